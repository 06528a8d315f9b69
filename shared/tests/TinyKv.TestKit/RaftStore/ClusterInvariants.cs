using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;

namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// Safety properties checked while a cluster runs, after every simulated event: at most one
/// leader per term per region; a peer's committed index never moves back while it runs; an
/// index applied anywhere holds the same entry everywhere; a peer's truncated state (after log
/// compaction or a snapshot) names the term of the entry applied at its index; an entry is applied
/// only once its store's raft engine holds it (persisted before applied). A violation throws
/// <see cref="InvariantViolationException"/>, which fails the run with its seed.
/// </summary>
public sealed class ClusterInvariants : IRaftStoreObserver
{
    private readonly Dictionary<(ulong Region, ulong Term), (ulong Store, ulong Peer)> _leaders = [];
    private readonly Dictionary<(ulong Region, ulong Index), (ulong Term, ByteString Data, ulong Store)> _applied = [];
    private readonly Dictionary<(ulong Store, ulong Region), (RawNode Node, ulong Committed)> _committed = [];
    private readonly Action<ulong, string, string> _trace;
    private readonly Func<ulong, Engines?>? _enginesOf;

    /// <summary>
    /// Creates the checks; <paramref name="trace"/> records the stores' trace lines (store, kind,
    /// text); <paramref name="enginesOf"/>, when given, finds a store's engines, to check that an
    /// applied entry was persisted first.
    /// </summary>
    public ClusterInvariants(Action<ulong, string, string> trace, Func<ulong, Engines?>? enginesOf = null)
    {
        _trace = trace ?? throw new ArgumentNullException(nameof(trace));
        _enginesOf = enginesOf;
    }

    /// <summary>How many entries were checked on apply.</summary>
    public long AppliedChecked { get; private set; }

    /// <inheritdoc/>
    public void Applied(ulong storeId, ulong regionId, ulong peerId, Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        AppliedChecked++;
        if (_enginesOf?.Invoke(storeId) is { } engines
            && MetaStore.RaftEntry(engines.Raft, regionId, entry.Index)?.Term != entry.Term)
        {
            throw new InvariantViolationException(
                $"region {regionId} index {entry.Index}: store {storeId} applied an entry of term {entry.Term} that its raft engine does not hold; " +
                "entries are applied only after the write that persists them");
        }

        if (_applied.TryGetValue((regionId, entry.Index), out var first))
        {
            if (first.Term != entry.Term || !first.Data.Equals(entry.Data))
            {
                throw new InvariantViolationException(
                    $"region {regionId} index {entry.Index}: store {storeId} applied an entry of term {entry.Term} ({entry.Data.Length} bytes), " +
                    $"store {first.Store} applied one of term {first.Term} ({first.Data.Length} bytes)");
            }

            return;
        }

        _applied[(regionId, entry.Index)] = (entry.Term, entry.Data, storeId);
    }

    /// <inheritdoc/>
    public void Trace(ulong storeId, string kind, string text) => _trace(storeId, kind, text);

    /// <summary>Checks the leaders and committed indexes of the running stores' peers.</summary>
    public void Check(IEnumerable<StoreHost> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        foreach (var store in stores)
        {
            foreach (var peer in store.Peers)
            {
                var raft = peer.RaftGroup.Raft;
                if (raft.State == StateType.Leader)
                {
                    var key = (peer.RegionId, raft.Term);
                    if (_leaders.TryGetValue(key, out var leader) && leader != (store.StoreId, peer.PeerId))
                    {
                        throw new InvariantViolationException(
                            $"region {peer.RegionId} has two leaders in term {raft.Term}: peer {leader.Peer} on store {leader.Store} and peer {peer.PeerId} on store {store.StoreId}");
                    }

                    _leaders[key] = (store.StoreId, peer.PeerId);
                }

                var committed = raft.RaftLog.Committed;
                var slot = (store.StoreId, peer.RegionId);
                if (_committed.TryGetValue(slot, out var seen) && ReferenceEquals(seen.Node, peer.RaftGroup) && committed < seen.Committed)
                {
                    throw new InvariantViolationException(
                        $"{peer}: the committed index moved back from {seen.Committed} to {committed}");
                }

                _committed[slot] = (peer.RaftGroup, committed);

                var truncated = peer.Storage.ApplyState.TruncatedState;
                if (_applied.TryGetValue((peer.RegionId, truncated.Index), out var entry) && entry.Term != truncated.Term)
                {
                    throw new InvariantViolationException(
                        $"{peer}: its log is truncated at index {truncated.Index} with term {truncated.Term}, but the entry applied at that index has term {entry.Term}");
                }
            }
        }
    }
}

/// <summary>A safety property of the cluster does not hold.</summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvariantViolationException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public InvariantViolationException(string message)
        : base("invariant violated: " + message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public InvariantViolationException(string message, Exception innerException)
        : base("invariant violated: " + message, innerException)
    {
    }
}
