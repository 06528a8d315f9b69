using TinyKv.Raft;

namespace TinyKv.RaftStore;

// Handling what Raft hands out: persist, send, apply, advance (2B).
public sealed partial class Peer
{
    /// <summary>
    /// If Raft has a <see cref="Ready"/>, handles it in the order Raft requires: persist the
    /// entries, hard state (and snapshot) first; then send the messages; then apply the
    /// committed entries, answering their proposals; then <see cref="RawNode.Advance"/>.
    /// </summary>
    internal void HandleRaftReady()
    {
        if (Stopped)
        {
            return;
        }

#if TINYKV_REF_2B
        if (!RaftGroup.HasReady())
        {
            return;
        }

        var ready = RaftGroup.Ready();
        var becameLeader = ready.SoftState is { RaftState: StateType.Leader };
        if (Storage.SaveReadyState(ready) is { } applied)
        {
            OnSnapshotApplied(applied);
        }

        Send(ready.Messages);
        foreach (var entry in ready.CommittedEntries)
        {
            ApplyEntry(entry);
            if (Stopped)
            {
                return;
            }
        }

        RaftGroup.Advance(ready);
        if (becameLeader)
        {
            HeartbeatScheduler();
        }
#else
        throw Todo.Slot("2B", "handle the Ready: persist (SaveReadyState), send the messages, apply the committed entries, advance; see the 2B handout, 'The Ready loop'");
#endif
    }

    /// <summary>After a snapshot replaced this peer's data: the region may have changed (2C).</summary>
    private void OnSnapshotApplied(ApplySnapshotResult result)
    {
        foreach (var peer in result.Region.Peers)
        {
            InsertPeerCache(peer);
        }

        LastCompactedIndex = Storage.TruncatedIndex;
    }
}
