using TinyKv.Proto.RaftCmdpb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// How a proposal answers its caller: once, with the response, and for a <c>Snap</c> request
/// with a snapshot of the kv engine taken right after the command was applied.
/// </summary>
public sealed class Callback
{
    private readonly Action<RaftCmdResponse, IEngineSnapshot?> _done;

    /// <summary>A callback that calls <paramref name="done"/> once.</summary>
    public Callback(Action<RaftCmdResponse, IEngineSnapshot?> done) => _done = done ?? throw new ArgumentNullException(nameof(done));

    /// <summary>Whether the callback was answered.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Answers the caller; a second answer is ignored (and its snapshot disposed).</summary>
    public void Done(RaftCmdResponse response, IEngineSnapshot? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (IsDone)
        {
            snapshot?.Dispose();
            return;
        }

        IsDone = true;
        _done(response, snapshot);
    }
}
