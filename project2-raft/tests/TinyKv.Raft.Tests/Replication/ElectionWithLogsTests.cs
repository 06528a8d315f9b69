using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Replication;

/// <summary>
/// Elections once logs hold entries (2AB): the election restriction decides who may win, and
/// the winner's log overwrites the others. Ported from the original course's raft tests, one
/// method per original test.
/// </summary>
[Milestone("2AB")]
public sealed class ElectionWithLogsTests
{
    // Original: TestLeaderElectionOverwriteNewerLogs2AB
    [Fact]
    public void A_new_leader_overwrites_uncommitted_entries_of_a_newer_term()
    {
        ulong[] peers = RaftTestNodes.IdsBySize(5);

        // The history behind these logs: node 1 won term 1 and got one entry to node 2 only;
        // node 3 won term 2 (with the votes of 4 and 5) and wrote one entry nobody else got.
        // Nodes 1, 2 and 3 all hold uncommitted entries; whoever wins term 3 decides which stay.
        var network = new RaftNetwork(
            RaftTestNodes.WithEntries(1, peers, 1),
            RaftTestNodes.WithEntries(2, peers, 1),
            RaftTestNodes.WithEntries(3, peers, 2),
            RaftTestNodes.Voted(4, peers, 3, 2),
            RaftTestNodes.Voted(5, peers, 3, 2));

        // Node 1's first campaign, in term 2, fails: a majority already voted in term 2.
        network.Send(Hup(1));
        var node1 = network.Node(1);
        node1.State.Should().Be(StateType.Follower, "a majority had already voted in term 2");
        node1.Term.Should().Be(2, "the refusals carry term 2");

        // Its second campaign, in term 3, wins.
        network.Send(Hup(1));
        node1.State.Should().Be(StateType.Leader, "node 1's log is as up to date as any voter's");
        node1.Term.Should().Be(3, "node 1 campaigned again in the next term");

        // Every log now holds node 1's term-1 entry and its term-3 no-op; node 3's term-2 entry is gone.
        foreach (var (id, peer) in network.Peers)
        {
            var entries = peer.Raft!.RaftLog.AllEntries();
            entries.Should().HaveCount(2, "node {0} should hold the leader's two entries", id);
            entries[0].Term.Should().Be(1, "node {0} keeps the term-1 entry at index 1", id);
            entries[1].Term.Should().Be(3, "node {0} holds the term-3 no-op at index 2", id);
        }
    }

    // Original: TestDuelingCandidates2AB
    [Fact]
    public void A_candidate_with_a_shorter_log_loses_even_with_a_higher_term()
    {
        var a = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
        var b = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, new MemoryStorage());
        var c = RaftTestNodes.NewRaft(3, [1, 2, 3], 10, 1, new MemoryStorage());
        var network = new RaftNetwork(a, b, c);
        network.Cut(1, 3);

        network.Send(Hup(1));
        network.Send(Hup(3));

        network.Node(1).State.Should().Be(StateType.Leader, "node 1 has its own vote and node 2's");
        network.Node(3).State.Should().Be(StateType.Candidate, "node 3 has its own vote and node 2 refused it");

        network.Recover();

        // Node 3 campaigns again in a higher term. That term unseats the leader, but nobody votes
        // for node 3: it lacks the entry node 1 committed.
        network.Send(Hup(3));

        var committedEntry = RaftTestNodes.Describe(RaftTestNodes.LogOf(1, new Entry { Term = 1, Index = 1 }));
        var cases = new (string Label, RaftNode Node, StateType State, ulong Term, string Log)[]
        {
            ("node 1", a, StateType.Follower, 2, committedEntry),
            ("node 2", b, StateType.Follower, 2, committedEntry),
            ("node 3", c, StateType.Follower, 2, RaftTestNodes.Describe(RaftTestNodes.LogOf(0))),
        };
        foreach (var (label, node, state, term, log) in cases)
        {
            node.State.Should().Be(state, "{0} should end as {1}", label, state);
            node.Term.Should().Be(term, "{0} should be in node 3's term {1}", label, term);
            RaftTestNodes.Describe(node.RaftLog).Should().Be(log, "{0} should keep the log it had", label);
        }
    }

    // Original: TestCandidateConcede2AB
    [Fact]
    public void An_isolated_candidate_follows_the_leader_once_it_hears_from_it()
    {
        var network = new RaftNetwork(null, null, null);
        network.Isolate(1);

        network.Send(Hup(1));
        network.Send(Hup(3));

        // Heal the partition; the leader's heartbeat reaches the candidate.
        network.Recover();
        network.Send(Beat(3));

        // A proposal makes the leader send node 1 entries; the next heartbeat spreads the commit index.
        var data = ByteString.CopyFromUtf8("force follower");
        network.Send(new Message { From = 3, To = 3, MsgType = MessageType.MsgPropose, Entries = { new Entry { Data = data } } });
        network.Send(Beat(3));

        var node1 = network.Node(1);
        node1.State.Should().Be(StateType.Follower, "the candidate concedes to the leader of its term");
        node1.Term.Should().Be(1, "the candidate and the leader campaigned in the same term");
        var want = RaftTestNodes.Describe(RaftTestNodes.LogOf(
            2,
            new Entry { Term = 1, Index = 1 },
            new Entry { Term = 1, Index = 2, Data = data }));
        foreach (var (id, peer) in network.Peers)
        {
            RaftTestNodes.Describe(peer.Raft!.RaftLog).Should().Be(want, "node {0} should hold the leader's committed log", id);
        }
    }

    // Original: TestRecvMessageType_MsgRequestVote2AB
    [Fact]
    public void A_vote_goes_only_to_a_candidate_whose_log_is_up_to_date()
    {
        // The voter's log is (index 1, term 2), (index 2, term 2).
        var cases = new (StateType State, ulong Index, ulong LogTerm, ulong VoteFor, bool Reject)[]
        {
            (StateType.Follower, 0, 0, RaftNode.None, true),
            (StateType.Follower, 0, 1, RaftNode.None, true),
            (StateType.Follower, 0, 2, RaftNode.None, true),
            (StateType.Follower, 0, 3, RaftNode.None, false),

            (StateType.Follower, 1, 0, RaftNode.None, true),
            (StateType.Follower, 1, 1, RaftNode.None, true),
            (StateType.Follower, 1, 2, RaftNode.None, true),
            (StateType.Follower, 1, 3, RaftNode.None, false),

            (StateType.Follower, 2, 0, RaftNode.None, true),
            (StateType.Follower, 2, 1, RaftNode.None, true),
            (StateType.Follower, 2, 2, RaftNode.None, false),
            (StateType.Follower, 2, 3, RaftNode.None, false),

            (StateType.Follower, 3, 0, RaftNode.None, true),
            (StateType.Follower, 3, 1, RaftNode.None, true),
            (StateType.Follower, 3, 2, RaftNode.None, false),
            (StateType.Follower, 3, 3, RaftNode.None, false),

            // Already voted in this term: again for the same candidate, never for another.
            (StateType.Follower, 3, 2, 2, false),
            (StateType.Follower, 3, 2, 1, true),

            (StateType.Leader, 3, 3, 1, true),
            (StateType.Candidate, 3, 3, 1, true),
        };

        foreach (var (state, index, logTerm, voteFor, reject) in cases)
        {
            var voter = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, new MemoryStorage());
            voter.State = state;
            voter.Vote = voteFor;
            voter.RaftLog = RaftTestNodes.LogOf(0, new Entry { Index = 1, Term = 2 }, new Entry { Index = 2, Term = 2 });

            // Only the logs differ: the request comes in the voter's own term (at least its
            // last log term), so no term change gets in the way.
            var term = Math.Max(voter.RaftLog.Term(voter.RaftLog.LastIndex()), logTerm);
            voter.Term = term;
            voter.Step(new Message { MsgType = MessageType.MsgRequestVote, Term = term, From = 2, Index = index, LogTerm = logTerm });

            var label = $"{state} that voted for {voteFor}, candidate's last entry (index {index}, term {logTerm})";
            var replies = RaftTestNodes.ReadMessages(voter);
            replies.Should().ContainSingle("({0}) a vote request gets exactly one answer", label);
            replies[0].MsgType.Should().Be(MessageType.MsgRequestVoteResponse, "({0}) a vote request gets a vote response", label);
            replies[0].Reject.Should().Be(reject, "({0}) the vote should be {1}", label, reject ? "refused" : "granted");
        }
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };

    private static Message Beat(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgBeat };
}
