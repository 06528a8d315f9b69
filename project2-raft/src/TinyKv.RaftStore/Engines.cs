using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// The two engines of a store: <see cref="Kv"/> holds the user data (column families default,
/// lock, write) with the apply and region states; <see cref="Raft"/> holds the raft logs and
/// raft states. The raft engine is written synced; what Raft persists must survive a crash.
/// </summary>
public sealed class Engines(IKvEngine kv, IKvEngine raft)
{
    /// <summary>The engine of the user data, apply states and region states.</summary>
    public IKvEngine Kv { get; } = kv ?? throw new ArgumentNullException(nameof(kv));

    /// <summary>The engine of the raft logs and raft states.</summary>
    public IKvEngine Raft { get; } = raft ?? throw new ArgumentNullException(nameof(raft));
}
