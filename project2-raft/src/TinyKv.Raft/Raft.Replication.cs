using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// Log replication: heartbeats (2AA), proposals, AppendEntries and the commit rule (2AB).
public sealed partial class RaftNode
{
    /// <summary>Sends a heartbeat to <paramref name="to"/>, carrying the commit index as far as that peer is known to match.</summary>
    internal void SendHeartbeat(ulong to)
    {
#if TINYKV_REF_2AA
        var commit = Math.Min(Prs[to].Match, RaftLog.Committed);
        Send(new Message { MsgType = MessageType.MsgHeartbeat, To = to, Commit = commit });
#else
        throw Todo.Slot("2AA", "send a MsgHeartbeat with a safe commit index; see the 2A handout, 'Heartbeats'");
#endif
    }

    private void BroadcastHeartbeat()
    {
#if TINYKV_REF_2AA
        foreach (var peer in Prs.Keys)
        {
            if (peer != Id)
            {
                SendHeartbeat(peer);
            }
        }
#else
        throw Todo.Slot("2AA", "send a heartbeat to every other member; see the 2A handout, 'Heartbeats'");
#endif
    }

    /// <summary>A follower's answer to a heartbeat: the leader is alive; commit what it says is committed.</summary>
    internal void HandleHeartbeat(Message m)
    {
#if TINYKV_REF_2AA
        if (m.Commit > RaftLog.Committed)
        {
            RaftLog.CommitTo(m.Commit);
        }

        Send(new Message { MsgType = MessageType.MsgHeartbeatResponse, To = m.From });
#else
        throw Todo.Slot("2AA", "advance the commit index the heartbeat carries and reply; see the 2A handout, 'Heartbeats'");
#endif
    }

    /// <summary>A leader learns from a heartbeat reply that the peer is alive; a peer that lags gets entries.</summary>
    private void HandleHeartbeatResponse(Message m)
    {
#if TINYKV_REF_2AA
        if (Prs[m.From].Match < RaftLog.LastIndex())
        {
            SendAppend(m.From);
        }
#else
        throw Todo.Slot("2AA", "send entries to a peer whose log lags behind; see the 2A handout, 'Heartbeats'");
#endif
    }

    /// <summary>
    /// A new leader's first act: append an empty entry of its term (so entries of earlier terms
    /// can be committed, §5.4.2) and send it to every follower.
    /// </summary>
    private void StartReplicationAsLeader()
    {
#if TINYKV_REF_2AB
        AppendAsLeader([new Entry()]);
        BroadcastAppend();
        MaybeCommitAsLeader();
#else
        // Until 2AB a new leader replicates nothing, which is all the 2AA election tests need.
        Todo.Pending("2AB", "append the no-op entry of the new term and send it to every follower; see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>The leader appends proposed entries to its log and replicates them.</summary>
    private void HandlePropose(Message m)
    {
#if TINYKV_REF_2AB
        AppendAsLeader(m.Entries);
        BroadcastAppend();
        MaybeCommitAsLeader();
#else
        // Until 2AB a leader drops proposals, which is all the 2AA election tests need.
        Todo.Pending("2AB", "append the proposed entries with your term and the next indexes, then replicate them; see the 2A handout, 'Log replication'");
#endif
    }

#if TINYKV_REF_2AB
    /// <summary>Stamps entries with the leader's term and the next indexes, appends them, and advances the leader's own progress.</summary>
    private void AppendAsLeader(IEnumerable<Entry> proposed)
    {
        var entries = new List<Entry>();
        var index = RaftLog.LastIndex();
        foreach (var entry in proposed)
        {
            index++;
            if (entry.EntryType == EntryType.EntryConfChange)
            {
                AdmitConfChange(index);
            }

            entries.Add(new Entry { EntryType = entry.EntryType, Term = Term, Index = index, Data = entry.Data });
        }

        RaftLog.Append(entries);
        if (Prs.TryGetValue(Id, out var self))
        {
            self.Match = RaftLog.LastIndex();
            self.Next = self.Match + 1;
        }
    }

    private void BroadcastAppend()
    {
        foreach (var peer in Prs.Keys)
        {
            if (peer != Id)
            {
                SendAppend(peer);
            }
        }
    }
#endif

    /// <summary>
    /// Sends <paramref name="to"/> the entries from its next index on, with the index and term
    /// of the entry before them and the leader's commit index; a peer whose next entry was
    /// compacted away gets a snapshot instead (2C). Returns whether a message was sent.
    /// </summary>
    internal bool SendAppend(ulong to)
    {
#if TINYKV_REF_2AB
        if (RaftLog.Storage.FirstIndex() > RaftLog.FirstIndex)
        {
            RaftLog.MaybeCompact(); // The storage compacted entries memory still holds (2C).
        }

        var progress = Prs[to];
        var prevIndex = progress.Next - 1;
        if (progress.Next < RaftLog.FirstIndex || !RaftLog.TryTerm(prevIndex, out var prevTerm))
        {
            return SendSnapshot(to);
        }

        var message = new Message
        {
            MsgType = MessageType.MsgAppend,
            To = to,
            Index = prevIndex,
            LogTerm = prevTerm,
            Commit = RaftLog.Committed,
        };
        message.Entries.AddRange(RaftLog.Slice(progress.Next, RaftLog.LastIndex() + 1));
        if (message.Entries.Count > 0)
        {
            // Optimistic: the next append carries only newer entries, so a busy leader sends
            // each entry once instead of the whole unacknowledged tail on every round. A lost
            // message shows as a refusal (at the latest after the next heartbeat), which moves
            // the next index back.
            progress.Next = message.Entries[^1].Index + 1;
        }

        Send(message);
        return true;
#else
        throw Todo.Slot("2AB", "send the entries from the peer's next index with the previous index and term; see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>
    /// A follower's half of AppendEntries (Raft paper, figure 2): accept when the log matches at
    /// the previous index, then reply with the last index it now holds; refuse otherwise, with
    /// a hint where the leader should try next.
    /// </summary>
    internal void HandleAppendEntries(Message m)
    {
#if TINYKV_REF_2AB
        if (m.Index < RaftLog.Committed)
        {
            // Everything up to the commit index is settled; tell the leader where we are.
            Send(new Message { MsgType = MessageType.MsgAppendResponse, To = m.From, Index = RaftLog.Committed });
            return;
        }

        if (RaftLog.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries) is { } lastNew)
        {
            Send(new Message { MsgType = MessageType.MsgAppendResponse, To = m.From, Index = lastNew });
            return;
        }

        // Refused: the hint is the highest index that might still match.
        var hint = Math.Min(m.Index == 0 ? 0 : m.Index - 1, RaftLog.LastIndex());
        Send(new Message { MsgType = MessageType.MsgAppendResponse, To = m.From, Index = hint, Reject = true });
#else
        // Until 2AB a follower ignores the entries, which is all the 2AA election tests need.
        Todo.Pending("2AB", "check the previous entry, append, commit and reply (Raft paper, figure 2); see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>
    /// A leader learns a follower's answer: on success its progress moves and the commit index
    /// may too; on refusal the next index steps back to the follower's hint and entries go again.
    /// </summary>
    private void HandleAppendResponse(Message m)
    {
#if TINYKV_REF_2AB
        var progress = Prs[m.From];
        if (m.Reject)
        {
            if (m.Index + 1 >= progress.Next)
            {
                return; // A stale refusal: the next index already moved below it.
            }

            progress.Next = Math.Max(m.Index + 1, progress.Match + 1);
            SendAppend(m.From);
            return;
        }

        if (m.Index > progress.Match)
        {
            progress.Match = m.Index;
            progress.Next = Math.Max(progress.Next, m.Index + 1); // Entries after it may be on their way.
            if (MaybeCommitAsLeader())
            {
                BroadcastAppend(); // Tell the followers what is committed now.
            }
            else if (progress.Next <= RaftLog.LastIndex())
            {
                SendAppend(m.From);
            }
        }

        if (m.From == LeadTransferee)
        {
            ContinueLeaderTransfer();
        }
#else
        throw Todo.Slot("2AB", "update the peer's progress, advance the commit index, resend on refusal; see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>
    /// The leader's commit rule: the highest index a majority has replicated becomes committed,
    /// but only if its entry is of the current term (§5.4.2). Returns whether the commit index moved.
    /// </summary>
    private bool MaybeCommitAsLeader()
    {
#if TINYKV_REF_2AB
        if (Prs.Count == 0)
        {
            return false;
        }

        var matches = Prs.Values.Select(p => p.Match).OrderDescending().ToList();
        return RaftLog.MaybeCommit(matches[Quorum - 1], Term);
#else
        throw Todo.Slot("2AB", "commit the highest index a majority matches, if it is of the current term; see the 2A handout, 'Committing'");
#endif
    }
}
