using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// Leader transfer (3A, Raft thesis §3.10): the leader brings the transferee's log up to date,
// then tells it to campaign at once with MsgTimeoutNow.
public sealed partial class RaftNode
{
    /// <summary>
    /// A request to hand leadership to <c>m.From</c>. A follower passes it to its leader; the
    /// leader starts the transfer (or ignores a request for itself, for a non-member, or for
    /// the transfer already under way).
    /// </summary>
    private void HandleTransferLeader(Message m)
    {
#if TINYKV_REF_3A
        if (State != StateType.Leader)
        {
            if (Lead != None)
            {
                Forward(m, Lead);
            }

            return;
        }

        var transferee = m.From;
        if (transferee == Id)
        {
            AbortLeaderTransfer(); // Transferring to the leader itself: nothing left to do.
            return;
        }

        if (!Prs.ContainsKey(transferee) || transferee == LeadTransferee)
        {
            return;
        }

        LeadTransferee = transferee;
        ElectionElapsed = 0; // The transfer must finish within one election timeout.
        ContinueLeaderTransfer();
#else
        throw Todo.Slot("3A", "forward to the leader, or start the transfer: bring the transferee up to date, then MsgTimeoutNow; see the 3A handout, 'Leader transfer'");
#endif
    }

    /// <summary>
    /// Moves a transfer on: a transferee whose log matches the leader's gets MsgTimeoutNow; one
    /// that lags gets entries first (its append reply brings us back here).
    /// </summary>
    private void ContinueLeaderTransfer()
    {
#if TINYKV_REF_3A
        var transferee = LeadTransferee;
        if (Prs[transferee].Match == RaftLog.LastIndex())
        {
            Send(new Message { MsgType = MessageType.MsgTimeoutNow, To = transferee });
        }
        else
        {
            SendAppend(transferee);
        }
#else
        throw Todo.Slot("3A", "send MsgTimeoutNow to an up-to-date transferee, else send it entries; see the 3A handout, 'Leader transfer'");
#endif
    }

    /// <summary>Gives up a transfer that did not finish in time (or whose transferee left).</summary>
    private void AbortLeaderTransfer()
    {
#if TINYKV_REF_3A
        LeadTransferee = None;
#else
        throw Todo.Slot("3A", "forget the transferee; see the 3A handout, 'Leader transfer'");
#endif
    }

    /// <summary>The leader asks this node to campaign now, without waiting for its election timeout; a non-member ignores it.</summary>
    private void HandleTimeoutNow()
    {
#if TINYKV_REF_3A
        if (Prs.ContainsKey(Id))
        {
            Campaign();
        }
#else
        throw Todo.Slot("3A", "campaign at once if you are still a member; see the 3A handout, 'Leader transfer'");
#endif
    }
}
