using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// Leader election: campaigning, granting votes, counting them (2AA).
public sealed partial class RaftNode
{
    /// <summary>
    /// Starts an election: becomes a candidate and asks every other member for its vote. A
    /// group of one elects itself at once. A node that is not a member of the group never
    /// campaigns.
    /// </summary>
    internal void Campaign()
    {
#if TINYKV_REF_2AA
        if (!Prs.ContainsKey(Id))
        {
            return;
        }

        BecomeCandidate();
        if (Quorum <= 1)
        {
            BecomeLeader();
            return;
        }

        var lastIndex = RaftLog.LastIndex();
        var lastTerm = RaftLog.LastTerm();
        foreach (var peer in Prs.Keys)
        {
            if (peer != Id)
            {
                Send(new Message { MsgType = MessageType.MsgRequestVote, To = peer, LogTerm = lastTerm, Index = lastIndex });
            }
        }
#else
        throw Todo.Slot("2AA", "become a candidate and request votes from every other member; see the 2A handout, 'Elections'");
#endif
    }

    /// <summary>
    /// Answers a vote request of the current term: granted when this node has not voted for
    /// someone else in this term and the candidate's log is at least as up-to-date as its own.
    /// </summary>
    private void HandleRequestVote(Message m)
    {
#if TINYKV_REF_2AA
        var canVote = Vote == None || Vote == m.From;
        var grant = canVote && RaftLog.IsUpToDate(m.LogTerm, m.Index);
        if (grant)
        {
            Vote = m.From;
            ElectionElapsed = 0;
        }

        Send(new Message { MsgType = MessageType.MsgRequestVoteResponse, To = m.From, Reject = !grant });
#else
        throw Todo.Slot("2AA", "grant at most one vote per term, only to a candidate whose log is up to date; see the 2A handout, 'Voting'");
#endif
    }

    /// <summary>Counts a vote: a majority of grants makes a leader, a majority of refusals a follower.</summary>
    private void HandleVoteResponse(Message m)
    {
#if TINYKV_REF_2AA
        if (!Prs.ContainsKey(m.From))
        {
            return;
        }

        Votes[m.From] = !m.Reject;
        var granted = Votes.Values.Count(v => v);
        var refused = Votes.Count - granted;
        if (granted >= Quorum)
        {
            BecomeLeader();
        }
        else if (refused >= Quorum)
        {
            BecomeFollower(Term, None);
        }
#else
        throw Todo.Slot("2AA", "record the vote and decide once a majority agrees either way; see the 2A handout, 'Elections'");
#endif
    }
}
