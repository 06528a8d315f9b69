using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Handling what Raft hands out: persist, send, apply, advance (2B). The store handles the Ready
// of every dirty peer in two halves around one synced raft-engine write for all of them.
public sealed partial class Peer
{
    /// <summary>
    /// The first half of handling a <see cref="Ready"/>, before the store's raft-engine write: if
    /// Raft has a Ready, takes it, adds what it asks to persist to <paramref name="raftBatch"/>
    /// (<see cref="PeerStorage.SaveReadyState"/>) and sends the leader's appends and heartbeats
    /// at once. The store writes the batch, synced, and then calls
    /// <see cref="OnReadyPersisted"/> with the Ready returned here.
    /// </summary>
    /// <returns>The Ready taken, or null when Raft had none (or the peer is stopped).</returns>
    internal Ready? HandleRaftReady(WriteBatch raftBatch)
    {
        ArgumentNullException.ThrowIfNull(raftBatch);
        if (Stopped)
        {
            return null;
        }

#if TINYKV_REF_2B
        ProposePendingReads();
        AnswerReadsByIndex();
        if (!RaftGroup.HasReady())
        {
            return null;
        }

        var ready = RaftGroup.Ready();
        if (Storage.SaveReadyState(ready, raftBatch) is { } applied)
        {
            OnSnapshotApplied(applied);
        }

        // A leader replicates its new entries while its own write is still pending (Raft
        // dissertation §10.2.1): the followers' writes overlap the leader's.
        Send(ready.Messages.Where(CanLeaveBeforePersisting));
        return ready;
#else
        throw Todo.Slot("2B", "take the Ready, add its entries and hard state to the store's raft batch (SaveReadyState), send the leader's appends and heartbeats, return it; see the 2B handout, 'The Ready loop'");
#endif
    }

    /// <summary>
    /// The second half of handling <paramref name="ready"/>, once the store's raft-engine write
    /// with its entries and hard state is synced: sends the rest of its messages, applies its
    /// committed entries (answering their proposals), then <see cref="RawNode.Advance"/>.
    /// </summary>
    internal void OnReadyPersisted(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (Stopped)
        {
            return;
        }

#if TINYKV_REF_2B
        // Votes and append responses promise that what they report is on disk: they go now.
        Send(ready.Messages.Where(m => !CanLeaveBeforePersisting(m)));

        // Committed entries are applied only now, after the write. A leader counts its own log
        // as one vote as soon as it appends: a lone voter commits an entry in the very Ready
        // that first asks to persist it. With more voters a commit also needs a follower's
        // reply, which this loop reads only after this write.
        ApplyCommittedEntries(ready.CommittedEntries);
        if (Stopped)
        {
            return;
        }

        RaftGroup.Advance(ready);
        AnswerReadsByIndex();
        if (ready.SoftState is { RaftState: StateType.Leader })
        {
            HeartbeatScheduler();
        }
#else
        throw Todo.Slot("2B", "the Ready is persisted: send its other messages, apply its committed entries, advance; see the 2B handout, 'The Ready loop'");
#endif
    }

#if TINYKV_REF_2B
    /// <summary>
    /// Whether <paramref name="message"/> may leave before this peer's write is synced: a
    /// leader's append or heartbeat promises nothing about the leader's disk (its term was
    /// persisted when it campaigned). Everything else — votes, append responses, snapshots —
    /// waits.
    /// </summary>
    private static bool CanLeaveBeforePersisting(Message message) =>
        message.MsgType is MessageType.MsgAppend or MessageType.MsgHeartbeat;
#endif

    /// <summary>After a snapshot replaced this peer's data: the region may have changed (2C), and the store records its range (3B).</summary>
    private void OnSnapshotApplied(ApplySnapshotResult result)
    {
        foreach (var peer in result.Region.Peers)
        {
            InsertPeerCache(peer);
        }

        LastCompactedIndex = Storage.TruncatedIndex;
        Context.Host.OnRegionChanged(this);
    }
}
