using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// The entrance for every message: term bookkeeping first, then what each role does with it.
public sealed partial class RaftNode
{
    /// <summary>
    /// Handles one message. Messages of a higher term first turn this node into a follower of
    /// that term; stale messages are answered (so a stale leader learns the new term) or
    /// dropped; local messages (term 0: MsgHup, MsgBeat, MsgPropose, MsgTransferLeader) skip
    /// the term check.
    /// </summary>
    /// <exception cref="ProposalDroppedException">A proposal cannot be accepted now (no leader, a transfer in progress, a pending configuration change).</exception>
    public void Step(Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
#if TINYKV_REF_2AA
        if (m.Term > Term)
        {
            var fromLeader = m.MsgType is MessageType.MsgAppend or MessageType.MsgHeartbeat or MessageType.MsgSnapshot;
            BecomeFollower(m.Term, fromLeader ? m.From : None);
        }
        else if (m.Term != 0 && m.Term < Term)
        {
            AnswerStaleMessage(m);
            return;
        }

        switch (m.MsgType)
        {
            case MessageType.MsgHup:
                if (State != StateType.Leader)
                {
                    Campaign();
                }

                return;
            case MessageType.MsgRequestVote:
                HandleRequestVote(m);
                return;
            default:
                break;
        }

        switch (State)
        {
            case StateType.Follower:
                StepFollower(m);
                break;
            case StateType.Candidate:
                StepCandidate(m);
                break;
            case StateType.Leader:
                StepLeader(m);
                break;
        }
#else
        throw Todo.Slot("2AA", "handle the message's term, then dispatch by role and message type; see the 2A handout, 'Step'");
#endif
    }

#if TINYKV_REF_2AA
    /// <summary>
    /// A message from an older term. A stale leader's append or heartbeat is answered with the
    /// current term so it steps down; a stale candidate's vote request is refused the same way.
    /// </summary>
    private void AnswerStaleMessage(Message m)
    {
        var reply = m.MsgType switch
        {
            MessageType.MsgAppend => MessageType.MsgAppendResponse,
            MessageType.MsgHeartbeat => MessageType.MsgHeartbeatResponse,
            MessageType.MsgRequestVote => MessageType.MsgRequestVoteResponse,
            _ => (MessageType?)null,
        };
        if (reply is { } type)
        {
            Send(new Message { MsgType = type, To = m.From, Reject = true });
        }
    }

    private void StepFollower(Message m)
    {
        switch (m.MsgType)
        {
            case MessageType.MsgPropose:
                if (Lead == None)
                {
                    throw new ProposalDroppedException($"node {Id} has no leader to forward the proposal to");
                }

                Forward(m, Lead);
                break;
            case MessageType.MsgAppend:
                ElectionElapsed = 0;
                Lead = m.From;
                HandleAppendEntries(m);
                break;
            case MessageType.MsgHeartbeat:
                ElectionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.MsgSnapshot:
                ElectionElapsed = 0;
                Lead = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.MsgTransferLeader:
                HandleTransferLeader(m);
                break;
            case MessageType.MsgTimeoutNow:
                HandleTimeoutNow();
                break;
            default:
                break; // Responses and beats mean nothing to a follower.
        }
    }

    private void StepCandidate(Message m)
    {
        switch (m.MsgType)
        {
            case MessageType.MsgPropose:
                throw new ProposalDroppedException($"node {Id} is campaigning; there is no leader yet");
            case MessageType.MsgAppend:
                BecomeFollower(m.Term, m.From);
                HandleAppendEntries(m);
                break;
            case MessageType.MsgHeartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.MsgSnapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            case MessageType.MsgRequestVoteResponse:
                HandleVoteResponse(m);
                break;
            default:
                break;
        }
    }

    private void StepLeader(Message m)
    {
        switch (m.MsgType)
        {
            case MessageType.MsgBeat:
                BroadcastHeartbeat();
                break;
            case MessageType.MsgPropose:
                if (LeadTransferee != None)
                {
                    throw new ProposalDroppedException($"leader {Id} is transferring leadership to {LeadTransferee}");
                }

                HandlePropose(m);
                break;
            case MessageType.MsgAppendResponse:
                if (Prs.ContainsKey(m.From))
                {
                    HandleAppendResponse(m);
                }

                break;
            case MessageType.MsgHeartbeatResponse:
                if (Prs.ContainsKey(m.From))
                {
                    HandleHeartbeatResponse(m);
                }

                break;
            case MessageType.MsgTransferLeader:
                HandleTransferLeader(m);
                break;
            default:
                break;
        }
    }
#endif
}
