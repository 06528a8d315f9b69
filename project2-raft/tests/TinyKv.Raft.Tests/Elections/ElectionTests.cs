using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Elections;

/// <summary>
/// Leader election (2AA): who wins, who loses, and what a vote request does to a node in any
/// role. Ported from the original course's raft tests, one method per original test.
/// </summary>
[Milestone("2AA")]
public sealed class ElectionTests
{
    // Original: TestLeaderElection2AA
    [Fact]
    public void A_campaign_wins_only_with_a_majority_of_live_nodes()
    {
        var cases = new (string Label, RaftNetwork Network, StateType State, ulong Term)[]
        {
            ("three live nodes", new RaftNetwork(null, null, null), StateType.Leader, 1),
            ("two of three live", new RaftNetwork(null, null, NetworkPeer.BlackHole), StateType.Leader, 1),
            ("one of three live", new RaftNetwork(null, NetworkPeer.BlackHole, NetworkPeer.BlackHole), StateType.Candidate, 1),
            ("two of four live", new RaftNetwork(null, NetworkPeer.BlackHole, NetworkPeer.BlackHole, null), StateType.Candidate, 1),
            ("three of five live", new RaftNetwork(null, NetworkPeer.BlackHole, NetworkPeer.BlackHole, null, null), StateType.Leader, 1),
        };

        foreach (var (label, network, state, term) in cases)
        {
            network.Send(Hup(1));

            var node = network.Node(1);
            node.State.Should().Be(state, "with {0}, node 1 should end its campaign as {1}", label, state);
            node.Term.Should().Be(term, "with {0}, the campaign runs in term {1}", label, term);
        }
    }

    // Original: TestLeaderCycle2AA
    [Fact]
    public void Every_node_can_be_elected_in_turn()
    {
        // Elections after the first do not start from a clean slate: terms and votes are left over.
        var network = new RaftNetwork(null, null, null);
        for (ulong campaigner = 1; campaigner <= 3; campaigner++)
        {
            network.Send(Hup(campaigner));

            foreach (var peer in network.Peers.Values)
            {
                var node = peer.Raft!;
                var expected = node.Id == campaigner ? StateType.Leader : StateType.Follower;
                node.State.Should().Be(
                    expected,
                    "after node {0} campaigned, node {1} should be {2}",
                    campaigner,
                    node.Id,
                    expected);
            }
        }
    }

    // Original: TestVoteFromAnyState2AA
    [Fact]
    public void A_vote_request_of_a_newer_term_is_granted_in_any_role()
    {
        foreach (var role in new[] { StateType.Follower, StateType.Candidate, StateType.Leader })
        {
            var node = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
            node.Term = 1;
            switch (role)
            {
                case StateType.Follower:
                    node.BecomeFollower(node.Term, 3);
                    break;
                case StateType.Candidate:
                    node.BecomeCandidate();
                    break;
                case StateType.Leader:
                    node.BecomeCandidate();
                    node.BecomeLeader();
                    break;
            }

            RaftTestNodes.ReadMessages(node);

            // Becoming a candidate or a leader may have moved the term on; ask in the next one.
            var newTerm = node.Term + 1;
            var request = new Message
            {
                From = 2,
                To = 1,
                MsgType = MessageType.MsgRequestVote,
                Term = newTerm,
                LogTerm = newTerm,
                Index = 42,
            };
            node.Invoking(n => n.Step(request)).Should().NotThrow("a {0} must accept a vote request", role);

            var replies = RaftTestNodes.ReadMessages(node);
            replies.Should().ContainSingle("a {0} answers a vote request with exactly one message", role);
            replies[0].MsgType.Should().Be(MessageType.MsgRequestVoteResponse, "a {0} answers a vote request with a vote response", role);
            replies[0].Reject.Should().BeFalse("a {0} grants its vote to a newer term's candidate with a longer log", role);
            node.State.Should().Be(StateType.Follower, "a {0} steps down when it sees a newer term", role);
            node.Term.Should().Be(newTerm, "a {0} adopts the candidate's term", role);
            node.Vote.Should().Be(2, "a {0} records whom it voted for", role);
        }
    }

    // Original: TestSingleNodeCandidate2AA
    [Fact]
    public void A_single_node_elects_itself()
    {
        var network = new RaftNetwork([null]);

        network.Send(Hup(1));

        network.Node(1).State.Should().Be(StateType.Leader, "a group of one is its own majority");
    }

    // Original: TestCampaignWhileLeader2AA
    [Fact]
    public void A_leader_ignores_a_request_to_campaign()
    {
        var node = new RaftNode(RaftTestNodes.Config(1, [1], 5, 1, new MemoryStorage()));
        node.State.Should().Be(StateType.Follower, "every node starts as a follower");

        // Go through Step rather than campaigning directly: the role check sits in front of the campaign.
        node.Step(Hup(1));
        node.State.Should().Be(StateType.Leader, "a single node wins its own election");

        var term = node.Term;
        node.Step(Hup(1));
        node.State.Should().Be(StateType.Leader, "a leader that is asked to campaign stays leader");
        node.Term.Should().Be(term, "a leader that is asked to campaign must not start a new term");
    }

    // Original: TestSplitVote2AA
    [Fact]
    public void After_a_split_vote_the_next_round_elects_a_leader()
    {
        var n1 = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
        var n2 = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, new MemoryStorage());
        var n3 = RaftTestNodes.NewRaft(3, [1, 2, 3], 10, 1, new MemoryStorage());
        n1.BecomeFollower(1, RaftNode.None);
        n2.BecomeFollower(1, RaftNode.None);
        n3.BecomeFollower(1, RaftNode.None);
        var network = new RaftNetwork(n1, n2, n3);
        network.Send(Hup(1));

        // The leader goes away; both followers campaign at once and each votes for itself.
        network.Isolate(1);
        network.Send(Hup(2), Hup(3));

        network.Node(2).Term.Should().Be(3, "node 2 campaigned in the term after the leader's");
        network.Node(3).Term.Should().Be(3, "node 3 campaigned in the term after the leader's");
        network.Node(2).State.Should().Be(StateType.Candidate, "node 2 got only its own vote");
        network.Node(3).State.Should().Be(StateType.Candidate, "node 3 got only its own vote");

        // Node 2 times out first and campaigns again.
        network.Send(Hup(2));

        network.Node(2).Term.Should().Be(4, "node 2's second campaign runs in a new term");
        network.Node(3).Term.Should().Be(4, "node 3 adopts the newer term of node 2's request");
        network.Node(2).State.Should().Be(StateType.Leader, "node 3 votes for node 2 in the new term");
        network.Node(3).State.Should().Be(StateType.Follower, "node 3 steps down for the newer term");
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };
}
