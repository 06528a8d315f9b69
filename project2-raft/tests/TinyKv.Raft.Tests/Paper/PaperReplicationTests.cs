using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Paper;

/// <summary>
/// Log replication and the safety rules as the Raft paper words them (2AB, §5.3 and §5.4):
/// a leader appending and replicating proposals, when entries commit, a follower's
/// AppendEntries checks, a leader repairing a follower's log (figure 7), the election
/// restriction and the current-term commit rule. Each test drives nodes with Step and Tick and
/// checks their logs and the messages they queue. Ported from the original course's raft paper
/// tests, one method per original test.
/// </summary>
[Milestone("2AB")]
public sealed class PaperReplicationTests
{
    /// <summary>Enough ticks for any randomized election timeout of a node with election tick 10.</summary>
    private const int TickLimit = 20;

    private static readonly ByteString SomeData = ByteString.CopyFromUtf8("some data");

    // Original: TestLeaderStartReplication2AB
    [Fact]
    public void A_leader_appends_a_proposal_and_sends_it_to_every_follower_with_the_entry_before_it()
    {
        // §5.3: the leader appends a client's command to its log, then sends AppendEntries to
        // every other server, naming the index and term of the entry just before the new one.
        var storage = new MemoryStorage();
        var leader = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, storage);
        leader.BecomeCandidate();
        leader.BecomeLeader();
        CommitNoOpEntry(leader, storage);
        var last = leader.RaftLog.LastIndex();

        leader.Step(Propose(SomeData));

        leader.RaftLog.LastIndex().Should().Be(last + 1, "the leader appends the proposal to its own log");
        leader.RaftLog.Committed.Should().Be(last, "no follower has acknowledged the proposal yet");
        var entry = new Entry { Index = last + 1, Term = 1, Data = SomeData };
        var expected = new[] { 2UL, 3UL }.Select(to => new Message
        {
            From = 1,
            To = to,
            Term = 1,
            MsgType = MessageType.MsgAppend,
            Index = last,
            LogTerm = 1,
            Entries = { entry },
            Commit = last,
        });
        RaftTestNodes.ReadSortedMessages(leader).Should().Equal(
            expected,
            "each follower gets the new entry after (index {0}, term 1), with the leader's commit index {0}",
            last);
        leader.RaftLog.UnstableEntries().Should().Equal(
            new[] { entry },
            "the new entry still has to be written to stable storage, and only it");
    }

    // Original: TestLeaderCommitEntry2AB
    [Fact]
    public void A_leader_commits_an_entry_once_replicated_and_sends_the_new_commit_index()
    {
        // §5.3: once an entry is safely replicated the leader commits it and hands it out to be
        // applied; later AppendEntries carry the new commit index so the followers learn it.
        var storage = new MemoryStorage();
        var leader = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, storage);
        leader.BecomeCandidate();
        leader.BecomeLeader();
        CommitNoOpEntry(leader, storage);
        var last = leader.RaftLog.LastIndex();
        leader.Step(Propose(SomeData));

        foreach (var append in RaftTestNodes.ReadMessages(leader))
        {
            leader.Step(AcceptAndReply(append));
        }

        leader.RaftLog.Committed.Should().Be(last + 1, "both followers acknowledged the proposal");
        leader.RaftLog.NextEntries().Should().Equal(
            new[] { new Entry { Index = last + 1, Term = 1, Data = SomeData } },
            "the committed proposal is ready to be applied");
        var messages = RaftTestNodes.ReadSortedMessages(leader);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            message.To.Should().Be((ulong)i + 2, "the leader's messages after the commit go to the followers, one each");
            message.MsgType.Should().Be(MessageType.MsgAppend, "the leader tells node {0} of the commit with an append", message.To);
            message.Commit.Should().Be(last + 1, "the append to node {0} carries the new commit index", message.To);
        }
    }

    // Original: TestLeaderAcknowledgeCommit2AB
    [Fact]
    public void An_entry_is_committed_once_a_majority_holds_it()
    {
        // §5.3: an entry the leader created is committed once it is replicated on a majority.
        var cases = new (string Label, int Size, ulong[] Acceptors, bool Committed)[]
        {
            ("group of 1, nobody else", 1, [], true),
            ("group of 3, no acceptor", 3, [], false),
            ("group of 3, one acceptor", 3, [2], true),
            ("group of 3, two acceptors", 3, [2, 3], true),
            ("group of 5, no acceptor", 5, [], false),
            ("group of 5, one acceptor", 5, [2], false),
            ("group of 5, two acceptors", 5, [2, 3], true),
            ("group of 5, three acceptors", 5, [2, 3, 4], true),
            ("group of 5, four acceptors", 5, [2, 3, 4, 5], true),
        };

        foreach (var (label, size, acceptors, committed) in cases)
        {
            var storage = new MemoryStorage();
            var leader = RaftTestNodes.NewRaft(1, RaftTestNodes.IdsBySize(size), 10, 1, storage);
            leader.BecomeCandidate();
            leader.BecomeLeader();
            CommitNoOpEntry(leader, storage);
            var last = leader.RaftLog.LastIndex();
            leader.Step(Propose(SomeData));

            foreach (var append in RaftTestNodes.ReadMessages(leader))
            {
                if (acceptors.Contains(append.To))
                {
                    leader.Step(AcceptAndReply(append));
                }
            }

            (leader.RaftLog.Committed > last).Should().Be(
                committed,
                "({0}) the proposal should {1} committed",
                label,
                committed ? "be" : "not yet be");
        }
    }

    // Original: TestLeaderCommitPrecedingEntries2AB
    [Fact]
    public void Committing_an_entry_commits_every_entry_before_it_including_earlier_leaders()
    {
        // §5.3: committing an entry commits all the entries before it in the leader's log, those
        // of earlier leaders too, and they are applied in log order.
        var cases = new (string Label, Entry[] Earlier)[]
        {
            ("an empty log", []),
            ("one entry of term 2", [E(1, 2)]),
            ("entries of terms 1 and 2", [E(1, 1), E(2, 2)]),
            ("one entry of term 1", [E(1, 1)]),
        };

        foreach (var (label, earlier) in cases)
        {
            var storage = new MemoryStorage();
            storage.Append(earlier);
            var leader = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, storage);
            leader.Term = 2;
            leader.BecomeCandidate();
            leader.BecomeLeader();
            leader.Step(Propose(SomeData));

            foreach (var append in RaftTestNodes.ReadMessages(leader))
            {
                leader.Step(AcceptAndReply(append));
            }

            // The earlier entries, then the leader's no-op and the proposal, both of term 3.
            var last = (ulong)earlier.Length;
            Entry[] expected = [.. earlier, E(last + 1, 3), new Entry { Index = last + 2, Term = 3, Data = SomeData }];
            leader.RaftLog.NextEntries().Should().Equal(
                expected,
                "(starting with {0}) every entry up to the proposal is committed and handed out in log order",
                label);
        }
    }

    // Original: TestFollowerCommitEntry2AB
    [Fact]
    public void A_follower_commits_what_the_leader_says_is_committed_and_applies_it_in_order()
    {
        // §5.3: a follower that learns an entry is committed applies it (and those before it),
        // in log order.
        var cases = new (string Label, Entry[] Entries, ulong Commit)[]
        {
            ("one entry, committed", [E(1, 1, "some data")], 1),
            ("two entries, both committed", [E(1, 1, "some data"), E(2, 1, "some data2")], 2),
            ("two entries in the other order, both committed", [E(1, 1, "some data2"), E(2, 1, "some data")], 2),
            ("two entries, the first committed", [E(1, 1, "some data"), E(2, 1, "some data2")], 1),
        };

        foreach (var (label, entries, commit) in cases)
        {
            var follower = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
            follower.BecomeFollower(1, 2);

            follower.Step(new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgAppend,
                Term = 1,
                Entries = { entries },
                Commit = commit,
            });

            follower.RaftLog.Committed.Should().Be(commit, "({0}) the follower takes the leader's commit index {1}", label, commit);
            follower.RaftLog.NextEntries().Should().Equal(
                entries.Take((int)commit),
                "({0}) the entries up to index {1} are ready to be applied, in log order",
                label,
                commit);
        }
    }

    // Original: TestFollowerCheckMessageType_MsgAppend2AB
    [Fact]
    public void A_follower_refuses_entries_unless_it_holds_the_entry_before_them()
    {
        // §5.3: a follower that has no entry with the index and term the leader names as the
        // one before the new entries refuses them; otherwise it accepts.
        var cases = new (string Label, ulong LogTerm, ulong Index, bool Reject)[]
        {
            ("the start of the log", 0, 0, false),
            ("the committed entry (1, term 1)", 1, 1, false),
            ("the uncommitted entry (2, term 2)", 2, 2, false),
            ("index 2 with term 1, which differs", 1, 2, true),
            ("index 3, which the follower does not have", 3, 3, true),
        };

        foreach (var (label, logTerm, index, reject) in cases)
        {
            var storage = new MemoryStorage();
            storage.Append([E(1, 1), E(2, 2)]);
            var follower = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, storage);
            follower.RaftLog.Committed = 1;
            follower.BecomeFollower(2, 2);
            RaftTestNodes.ReadMessages(follower);

            follower.Step(new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgAppend,
                Term = 2,
                LogTerm = logTerm,
                Index = index,
            });

            var replies = RaftTestNodes.ReadMessages(follower);
            replies.Should().ContainSingle("(previous entry at {0}) the follower answers every append", label);
            replies[0].Term.Should().Be(2, "(previous entry at {0}) the answer carries the follower's term", label);
            replies[0].Reject.Should().Be(
                reject,
                "(previous entry at {0}) the append should be {1}",
                label,
                reject ? "refused" : "accepted");
        }
    }

    // Original: TestFollowerAppendEntries2AB
    [Fact]
    public void A_follower_replaces_conflicting_entries_and_appends_the_new_ones()
    {
        // §5.3: on a valid AppendEntries a follower deletes a conflicting entry and all that
        // follow it, appends the entries it lacks, and those wait to be written to stable storage.
        // The follower starts with (1, term 1) and (2, term 2), both stable.
        var cases = new (string Label, ulong Index, ulong LogTerm, ulong Term, Entry[] Entries, Entry[] Log, Entry[] Unstable)[]
        {
            ("after entry 2, a new entry 3", 2, 2, 3, [E(3, 3)], [E(1, 1), E(2, 2), E(3, 3)], [E(3, 3)]),
            ("after entry 1, a conflicting entry 2 and a new 3", 1, 1, 4, [E(2, 3), E(3, 4)], [E(1, 1), E(2, 3), E(3, 4)], [E(2, 3), E(3, 4)]),
            ("from the start, entry 1 it already has", 0, 0, 2, [E(1, 1)], [E(1, 1), E(2, 2)], []),
            ("from the start, a conflicting entry 1", 0, 0, 3, [E(1, 3)], [E(1, 3)], [E(1, 3)]),
        };

        foreach (var (label, index, logTerm, term, entries, log, unstable) in cases)
        {
            var storage = new MemoryStorage();
            storage.Append([E(1, 1), E(2, 2)]);
            var follower = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, storage);
            follower.BecomeFollower(2, 2);

            follower.Step(new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgAppend,
                Term = term,
                LogTerm = logTerm,
                Index = index,
                Entries = { entries },
            });

            follower.RaftLog.AllEntries().Should().Equal(log, "({0}) the follower's log should be the leader's up to the last new entry", label);
            follower.RaftLog.UnstableEntries().Should().Equal(
                unstable,
                "({0}) exactly the entries the append changed or added still have to be persisted",
                label);
        }
    }

    // Original: TestLeaderSyncFollowerLog2AB
    [Fact]
    public void A_new_leader_brings_each_follower_of_figure_7_in_line_with_its_log()
    {
        // §5.3, figure 7: whatever a follower's log looks like (missing entries, extra ones, or
        // both), the leader's AppendEntries make it identical to the leader's.
        ulong[] leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
        const ulong term = 8;
        var cases = new (string Label, ulong[] Terms)[]
        {
            ("(a) one entry missing", [1, 1, 1, 4, 4, 5, 5, 6, 6]),
            ("(b) many entries missing", [1, 1, 1, 4]),
            ("(c) one extra entry of term 6", [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
            ("(d) two extra entries of term 7", [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
            ("(e) missing entries and extra ones of term 4", [1, 1, 1, 4, 4, 4, 4]),
            ("(f) missing entries and extra ones of terms 2 and 3", [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
        };

        foreach (var (label, followerTerms) in cases)
        {
            var leaderStorage = new MemoryStorage();
            leaderStorage.Append(EntriesOfTerms(leaderTerms));
            var leader = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, leaderStorage);
            leader.Term = term;
            leader.RaftLog.Committed = leader.RaftLog.LastIndex();
            var followerStorage = new MemoryStorage();
            followerStorage.Append(EntriesOfTerms(followerTerms));
            var follower = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, followerStorage);
            follower.Term = term - 1;

            // Three nodes: when the follower's log is ahead it refuses node 1 its vote, so the
            // third node's vote decides the election, which runs in the term after the leader's.
            var network = new RaftNetwork(leader, follower, NetworkPeer.BlackHole);
            network.Send(Hup(1));
            network.Send(new Message { From = 3, To = 1, MsgType = MessageType.MsgRequestVoteResponse, Term = term + 1 });
            leader.State.Should().Be(StateType.Leader, "(follower {0}) node 1 has its own vote and node 3's", label);

            network.Send(new Message { From = 1, To = 1, MsgType = MessageType.MsgPropose, Entries = { new Entry() } });

            RaftTestNodes.Describe(follower.RaftLog).Should().Be(
                RaftTestNodes.Describe(leader.RaftLog),
                "(follower {0}) the leader's appends make the follower's log and commit index the same as its own",
                label);
        }
    }

    // Original: TestVoteRequest2AB
    [Fact]
    public void A_vote_request_names_the_candidates_last_entry_and_goes_to_every_other_node()
    {
        // §5.4.1: RequestVote carries the index and term of the candidate's last entry, so the
        // voters can tell whose log is more up-to-date; it goes to every other server.
        var cases = new (string Label, Entry[] Entries, ulong Term)[]
        {
            ("one entry of term 1", [E(1, 1)], 2),
            ("entries of terms 1 and 2", [E(1, 1), E(2, 2)], 3),
        };

        foreach (var (label, entries, term) in cases)
        {
            var node = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
            node.Step(new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgAppend,
                Term = term - 1,
                LogTerm = 0,
                Index = 0,
                Entries = { entries },
            });
            RaftTestNodes.ReadMessages(node);

            for (var tick = 0; tick < TickLimit && node.State != StateType.Candidate; tick++)
            {
                node.Tick();
            }

            node.State.Should().Be(StateType.Candidate, "({0}) a follower that hears nothing more campaigns within {1} ticks", label, TickLimit);
            var requests = RaftTestNodes.ReadSortedMessages(node);
            requests.Should().HaveCount(2, "({0}) the candidate asks both other nodes for their vote", label);
            var lastEntry = entries[^1];
            for (var i = 0; i < requests.Count; i++)
            {
                var request = requests[i];
                var to = (ulong)i + 2;
                request.MsgType.Should().Be(MessageType.MsgRequestVote, "({0}) the candidate sends node {1} a vote request", label, to);
                request.To.Should().Be(to, "({0}) each other node gets one vote request", label);
                request.Term.Should().Be(term, "({0}) the candidate campaigns in the term after the leader's", label);
                request.Index.Should().Be(lastEntry.Index, "({0}) the request to node {1} names the index of the candidate's last entry", label, to);
                request.LogTerm.Should().Be(lastEntry.Term, "({0}) the request to node {1} names the term of the candidate's last entry", label, to);
            }
        }
    }

    // Original: TestVoter2AB
    [Fact]
    public void A_voter_refuses_a_candidate_whose_log_is_less_up_to_date_than_its_own()
    {
        // §5.4.1: the log whose last entry has the later term is more up-to-date; with equal last
        // terms the longer log is. A voter refuses a candidate whose log is behind its own.
        var cases = new (string Label, Entry[] Log, ulong LogTerm, ulong Index, bool Reject)[]
        {
            // Same last term: the length decides.
            ("same last term, same length", [E(1, 1)], 1, 1, false),
            ("same last term, candidate longer", [E(1, 1)], 1, 2, false),
            ("same last term, voter longer", [E(1, 1), E(2, 1)], 1, 1, true),

            // The candidate's last term is later: its log wins whatever the lengths.
            ("candidate's last term later, same length", [E(1, 1)], 2, 1, false),
            ("candidate's last term later, candidate longer", [E(1, 1)], 2, 2, false),
            ("candidate's last term later, voter longer", [E(1, 1), E(2, 1)], 2, 1, false),

            // The voter's last term is later: its log wins whatever the lengths.
            ("voter's last term later, same length", [E(1, 2)], 1, 1, true),
            ("voter's last term later, candidate longer", [E(1, 2)], 1, 2, true),
            ("voter's last term later, voter longer", [E(1, 2), E(2, 1)], 1, 1, true),
        };

        foreach (var (label, log, logTerm, index, reject) in cases)
        {
            var storage = new MemoryStorage();
            storage.Append(log);
            var voter = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, storage);

            voter.Step(new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgRequestVote,
                Term = 3,
                LogTerm = logTerm,
                Index = index,
            });

            var replies = RaftTestNodes.ReadMessages(voter);
            replies.Should().ContainSingle("({0}) a vote request gets exactly one answer", label);
            replies[0].MsgType.Should().Be(MessageType.MsgRequestVoteResponse, "({0}) a vote request gets a vote response", label);
            replies[0].Reject.Should().Be(reject, "({0}) the vote should be {1}", label, reject ? "refused" : "granted");
        }
    }

    // Original: TestLeaderOnlyCommitsLogFromCurrentTerm2AB
    [Fact]
    public void A_leader_commits_by_counting_replicas_only_entries_of_its_own_term()
    {
        // §5.4.2: a leader never commits an entry of an earlier term by counting replicas; only
        // entries of its current term are, and those commit the entries before them.
        var cases = new (string Label, ulong Acknowledged, ulong Committed)[]
        {
            ("entry 1, of term 1", 1, 0),
            ("entry 2, of term 2", 2, 0),
            ("entry 3, the no-op of term 3", 3, 3),
        };

        foreach (var (label, acknowledged, committed) in cases)
        {
            var storage = new MemoryStorage();
            storage.Append([E(1, 1), E(2, 2)]);
            var leader = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, storage);
            leader.Term = 2;
            leader.BecomeCandidate();
            leader.BecomeLeader();
            RaftTestNodes.ReadMessages(leader);

            // The leader of term 3 holds its no-op at index 3 and this proposal at index 4.
            leader.Step(new Message { From = 1, To = 1, MsgType = MessageType.MsgPropose, Entries = { new Entry() } });

            leader.Step(new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgAppendResponse,
                Term = leader.Term,
                Index = acknowledged,
            });

            leader.RaftLog.Committed.Should().Be(
                committed,
                "(node 2 acknowledged up to {0}) the leader of term 3 should have committed up to {1}: counting replicas commits only an entry of its own term",
                label,
                committed);
        }
    }

    /// <summary>
    /// Gets a new leader's no-op entry committed as if every follower acknowledged it, then plays
    /// the application: persists and applies everything, and drops the messages that follow.
    /// </summary>
    private static void CommitNoOpEntry(RaftNode leader, MemoryStorage storage)
    {
        leader.State.Should().Be(StateType.Leader, "only a leader has a no-op entry to get committed");
        // A leader sends its no-op when it takes office; one that waits for its next round is
        // asked to send it now. Either way each follower gets the no-op once.
        var appends = RaftTestNodes.ReadMessages(leader);
        foreach (var peer in leader.Nodes().Where(id => id != leader.Id && appends.All(m => m.To != id)))
        {
            leader.SendAppend(peer);
        }

        foreach (var append in appends.Concat(RaftTestNodes.ReadMessages(leader)))
        {
            append.MsgType.Should().Be(MessageType.MsgAppend, "a new leader's first messages to node {0} should be appends", append.To);
            append.Entries.Should().ContainSingle("a new leader's log should hold just its no-op entry, sent to node {0}", append.To);
            append.Entries[0].Data.IsEmpty.Should().BeTrue("a new leader's first entry, sent to node {0}, is an empty no-op", append.To);
            leader.Step(AcceptAndReply(append));
        }

        // The appends that spread the new commit index are not part of these scenarios.
        RaftTestNodes.ReadMessages(leader);
        RaftTestNodes.NextEntries(leader, storage);
    }

    /// <summary>The answer of a follower that accepts <paramref name="append"/> in full.</summary>
    private static Message AcceptAndReply(Message append)
    {
        append.MsgType.Should().Be(MessageType.MsgAppend, "only an append can be accepted, not a {0}", append.MsgType);
        return new Message
        {
            From = append.To,
            To = append.From,
            Term = append.Term,
            MsgType = MessageType.MsgAppendResponse,
            Index = append.Index + (ulong)append.Entries.Count,
        };
    }

    /// <summary>One entry per term given, at indexes 1, 2, ….</summary>
    private static Entry[] EntriesOfTerms(ulong[] terms) =>
        [.. terms.Select((term, i) => E((ulong)i + 1, term))];

    private static Entry E(ulong index, ulong term) => new() { Index = index, Term = term };

    private static Entry E(ulong index, ulong term, string data) =>
        new() { Index = index, Term = term, Data = ByteString.CopyFromUtf8(data) };

    private static Message Propose(ByteString data) =>
        new() { From = 1, To = 1, MsgType = MessageType.MsgPropose, Entries = { new Entry { Data = data } } };

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };
}
