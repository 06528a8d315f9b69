using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Elections;

/// <summary>
/// What happens when a leader and the other nodes meet again (2AA): a candidate hearing from
/// the leader steps down, a leader hearing of a newer term steps down, and only a leader
/// answers MsgBeat. Ported from the original course's raft tests.
/// </summary>
[Milestone("2AA")]
public sealed class LeaderContactTests
{
    /// <summary>Enough ticks for any randomized election timeout of a node with election tick 10.</summary>
    private const int TickLimit = 100;

    // Original: TestCandidateResetTermMessageType_MsgHeartbeat2AA
    [Fact]
    public void A_candidate_that_gets_a_heartbeat_from_the_leader_becomes_its_follower() =>
        CandidateMeetsLeader(MessageType.MsgHeartbeat);

    // Original: TestCandidateResetTermMessageType_MsgAppend2AA
    [Fact]
    public void A_candidate_that_gets_entries_from_the_leader_becomes_its_follower() =>
        CandidateMeetsLeader(MessageType.MsgAppend);

    // Original: TestDisruptiveFollower2AA
    [Fact]
    public void A_leader_steps_down_when_a_late_heartbeat_meets_a_candidate_of_a_newer_term()
    {
        var n1 = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
        var n2 = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, new MemoryStorage());
        var n3 = RaftTestNodes.NewRaft(3, [1, 2, 3], 10, 1, new MemoryStorage());
        n1.BecomeFollower(1, RaftNode.None);
        n2.BecomeFollower(1, RaftNode.None);
        n3.BecomeFollower(1, RaftNode.None);
        var network = new RaftNetwork(n1, n2, n3);

        network.Send(Hup(1));

        n1.State.Should().Be(StateType.Leader, "node 1 won the election");
        n2.State.Should().Be(StateType.Follower, "node 2 voted for node 1");
        n3.State.Should().Be(StateType.Follower, "node 3 voted for node 1");

        // The leader's messages to node 3 are slow: node 3's election timer runs out first.
        // Its vote requests stay queued in node 3, outside the network.
        TickUntilCandidate(n3);

        n1.State.Should().Be(StateType.Leader, "node 1 has not heard of node 3's campaign yet");
        n2.State.Should().Be(StateType.Follower, "node 2 has not heard of node 3's campaign yet");
        n3.State.Should().Be(StateType.Candidate, "node 3's election timer ran out");
        n1.Term.Should().Be(2, "node 1 was elected in term 2");
        n2.Term.Should().Be(2, "node 2 follows node 1 in term 2");
        n3.Term.Should().Be(3, "node 3 campaigns in the next term");

        // The delayed heartbeat, of the leader's older term, finally reaches the candidate; the
        // candidate's answer (and its queued vote requests) carry the newer term to the leader.
        network.Send(new Message { From = 1, To = 3, Term = n1.Term, MsgType = MessageType.MsgHeartbeat });

        n1.State.Should().Be(StateType.Follower, "a leader that sees a newer term steps down");
        n1.Term.Should().Be(3, "the old leader adopts the candidate's newer term");
    }

    // Original: TestRecvMessageType_MsgBeat2AA
    [Fact]
    public void Only_a_leader_sends_heartbeats_on_MsgBeat()
    {
        var cases = new (StateType State, int Heartbeats)[]
        {
            (StateType.Leader, 2),
            (StateType.Candidate, 0),
            (StateType.Follower, 0),
        };

        foreach (var (state, heartbeats) in cases)
        {
            var node = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
            node.RaftLog = RaftTestNodes.LogOf(0, new Entry { Index = 1, Term = 0 }, new Entry { Index = 2, Term = 1 });
            node.Term = 1;
            node.State = state;

            node.Step(new Message { From = 1, To = 1, MsgType = MessageType.MsgBeat });

            var messages = RaftTestNodes.ReadMessages(node);
            messages.Should().HaveCount(heartbeats, "a {0} sends {1} messages on MsgBeat", state, heartbeats);
            messages.Where(m => m.MsgType != MessageType.MsgHeartbeat).Should().BeEmpty("a {0} sends only heartbeats on MsgBeat", state);
        }
    }

    private static void CandidateMeetsLeader(MessageType type)
    {
        var a = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
        var b = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, new MemoryStorage());
        var c = RaftTestNodes.NewRaft(3, [1, 2, 3], 10, 1, new MemoryStorage());
        var network = new RaftNetwork(a, b, c);

        network.Send(Hup(1));

        a.State.Should().Be(StateType.Leader, "node 1 won the first election");
        b.State.Should().Be(StateType.Follower, "node 2 voted for node 1");
        c.State.Should().Be(StateType.Follower, "node 3 voted for node 1");

        // Cut node 3 off while the other two move the term on with two more elections.
        network.Isolate(3);
        network.Send(Hup(2));
        network.Send(Hup(1));

        a.State.Should().Be(StateType.Leader, "node 1 won the third election");
        b.State.Should().Be(StateType.Follower, "node 2 voted for node 1 in the third election");

        // Alone, node 3 times out and campaigns in vain.
        TickUntilCandidate(c);

        network.Recover();

        // The leader's message reaches the isolated candidate, which must follow it.
        network.Send(new Message { From = 1, To = 3, Term = a.Term, MsgType = type });

        c.State.Should().Be(StateType.Follower, "a candidate that gets a {0} of the leader's term follows the leader", type);
        c.Term.Should().Be(a.Term, "the candidate takes the leader's term from the {0}", type);
    }

    private static void TickUntilCandidate(RaftNode node)
    {
        for (var tick = 0; tick < TickLimit && node.State != StateType.Candidate; tick++)
        {
            node.Tick();
        }

        node.State.Should().Be(StateType.Candidate, "a follower that hears from no leader campaigns within {0} ticks", TickLimit);
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };
}
