namespace TinyKv.Raft;

// Membership change, one node at a time (3A).
public sealed partial class RaftNode
{
    /// <summary>Adds a member (a committed configuration change being applied); adding one twice changes nothing.</summary>
    internal void AddNode(ulong id)
    {
#if TINYKV_REF_3A
        if (!Prs.ContainsKey(id))
        {
            Prs[id] = new Progress { Match = 0, Next = RaftLog.LastIndex() + 1 };
        }

        PendingConfIndex = None;
#else
        throw Todo.Slot("3A", "add the peer with a fresh progress; see the 3A handout, 'Membership change'");
#endif
    }

    /// <summary>
    /// Removes a member. A smaller group needs fewer acknowledgements, so a leader may be able
    /// to commit entries that were waiting for the removed node.
    /// </summary>
    internal void RemoveNode(ulong id)
    {
#if TINYKV_REF_3A
        Prs.Remove(id);
        PendingConfIndex = None;
        if (LeadTransferee == id)
        {
            AbortLeaderTransfer();
        }

        if (State == StateType.Leader && MaybeCommitAsLeader())
        {
            BroadcastAppend();
        }
#else
        throw Todo.Slot("3A", "remove the peer; a leader then checks whether the smaller quorum commits more; see the 3A handout, 'Membership change'");
#endif
    }

    /// <summary>
    /// Accepts a configuration change proposed at <paramref name="index"/> only when no other is
    /// pending (appended but not yet applied): one change at a time keeps every two majorities
    /// overlapping.
    /// </summary>
    /// <exception cref="ProposalDroppedException">Another configuration change is still pending.</exception>
    private void AdmitConfChange(ulong index)
    {
#if TINYKV_REF_3A
        if (PendingConfIndex > RaftLog.Applied)
        {
            throw new ProposalDroppedException(
                $"configuration change at index {PendingConfIndex} is not applied yet; propose the next one after it");
        }

        PendingConfIndex = index;
#else
        throw Todo.Slot("3A", "refuse a configuration change while another is pending, else remember its index; see the 3A handout, 'Membership change'");
#endif
    }
}
