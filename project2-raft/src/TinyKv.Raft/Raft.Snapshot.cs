using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// Snapshots: sending one to a follower that is too far behind, installing one (2C).
public sealed partial class RaftNode
{
    /// <summary>
    /// Sends <paramref name="to"/> the storage's latest snapshot, for a peer whose next entry
    /// was compacted away. Returns false when the storage is still generating it (the leader
    /// tries again on a later heartbeat reply).
    /// </summary>
    private bool SendSnapshot(ulong to)
    {
#if TINYKV_REF_2C
        Snapshot snapshot;
        try
        {
            snapshot = RaftLog.Storage.Snapshot();
        }
        catch (SnapshotTemporarilyUnavailableException)
        {
            return false;
        }

        Send(new Message { MsgType = MessageType.MsgSnapshot, To = to, Snapshot = snapshot });
        Prs[to].Next = snapshot.Metadata.Index + 1;
        return true;
#else
        throw Todo.Slot("2C", "send the storage's snapshot to a peer whose next entry was compacted; see the 2C handout, 'Sending a snapshot'");
#endif
    }

    /// <summary>
    /// A follower installs a snapshot from the leader: unless it already has everything the
    /// snapshot covers (committed, or the snapshot's last entry in its log, which then only
    /// moves the commit index), its log starts over at the snapshot and its members become the
    /// snapshot's. Replies with the index it now holds.
    /// </summary>
    internal void HandleSnapshot(Message m)
    {
#if TINYKV_REF_2C
        var metadata = m.Snapshot.Metadata;
        if (metadata.Index <= RaftLog.Committed)
        {
            // Nothing new in it: everything it covers is committed here already.
            Send(new Message { MsgType = MessageType.MsgAppendResponse, To = m.From, Index = RaftLog.Committed });
            return;
        }

        if (RaftLog.MatchTerm(metadata.Index, metadata.Term))
        {
            // The log holds the snapshot's last entry already (the snapshot came late, or twice):
            // everything up to it is committed, and the entries after it, which this node may
            // have acknowledged, must stay. Restoring would throw them away.
            RaftLog.CommitTo(metadata.Index);
            Send(new Message { MsgType = MessageType.MsgAppendResponse, To = m.From, Index = RaftLog.Committed });
            return;
        }

        Lead = m.From;
        RaftLog.Restore(m.Snapshot);
        Prs.Clear();
        foreach (var node in metadata.ConfState.Nodes)
        {
            Prs[node] = new Progress { Next = RaftLog.LastIndex() + 1 };
        }

        Send(new Message { MsgType = MessageType.MsgAppendResponse, To = m.From, Index = RaftLog.LastIndex() });
#else
        throw Todo.Slot("2C", "restore the log and the members from the snapshot unless it is stale, then reply; see the 2C handout, 'Installing a snapshot'");
#endif
    }
}
