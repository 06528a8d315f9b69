using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.MultiRaft.Tests.LeaderTransfer;

/// <summary>
/// Leader transfers that must leave the leader in place (3A): to itself, to a node outside
/// the group, a pending transfer taken back, and a removed node told to campaign. Ported from
/// the original course's raft tests, one method per original test.
/// </summary>
[Milestone("3A")]
public sealed class IgnoredLeaderTransferTests
{
    // Original: TestLeaderTransferToSelf3A
    [Fact]
    public void A_transfer_to_the_leader_itself_changes_nothing()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));
        var first = network.Node(1);

        network.Send(TransferLeader(from: 1, to: 1));

        ShouldStillLead(first, "the transferee is the leader already");
    }

    // Original: TestLeaderTransferToNonExistingNode3A
    [Fact]
    public void A_transfer_to_a_node_outside_the_group_is_ignored()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));
        var first = network.Node(1);

        // Node 4 is not a member (the network would fail on a message to it).
        network.Send(TransferLeader(from: 4, to: 1));

        ShouldStillLead(first, "node 4 is not a member of the group");
    }

    // Original: TestLeaderTransferRemoveNode3A
    [Fact]
    public void A_transfer_to_a_removed_node_is_ignored()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));
        var first = network.Node(1);
        first.RemoveNode(3);

        network.Send(TransferLeader(from: 3, to: 1));

        ShouldStillLead(first, "node 3 was removed from the group");
    }

    // Original: TestLeaderTransferBack3A
    [Fact]
    public void A_pending_transfer_can_be_taken_back_by_the_leader()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));

        // Node 3 is cut off, so the transfer to it stays pending.
        network.Isolate(3);
        var first = network.Node(1);
        network.Send(TransferLeader(from: 3, to: 1));
        first.LeadTransferee.Should().Be(3, "node 3 cannot answer, so the transfer to it is still pending");

        // The leader asks for leadership for itself: the pending transfer is called off.
        network.Send(TransferLeader(from: 1, to: 1));

        ShouldStillLead(first, "a transfer to the leader itself cancels the one pending to node 3");
    }

    // Original: TestTransferNonMember3A
    [Fact]
    public void A_removed_node_ignores_a_timeout_now_and_cannot_become_leader()
    {
        // Node 1 is not among the members 2, 3 and 4: it was removed.
        var node = RaftTestNodes.NewRaft(1, [2, 3, 4], 5, 1, new MemoryStorage());

        node.Step(new Message { From = 2, To = 1, MsgType = MessageType.MsgTimeoutNow, Term = node.Term });

        // Votes arriving anyway (as if it had campaigned) must not make it leader.
        node.Step(new Message { From = 2, To = 1, MsgType = MessageType.MsgRequestVoteResponse, Term = node.Term });
        node.Step(new Message { From = 3, To = 1, MsgType = MessageType.MsgRequestVoteResponse, Term = node.Term });

        node.State.Should().Be(StateType.Follower, "a node outside the group never campaigns, so it stays a follower");
        node.Term.Should().Be(0, "a node outside the group must not start a new term on MsgTimeoutNow");
    }

    private static void ShouldStillLead(RaftNode node, string because)
    {
        node.State.Should().Be(StateType.Leader, "node {0} should still lead: {1}", node.Id, because);
        node.Lead.Should().Be(node.Id, "node {0} should still see itself as leader: {1}", node.Id, because);
        node.LeadTransferee.Should().Be(RaftNode.None, "node {0} should have no transfer in progress: {1}", node.Id, because);
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };

    private static Message TransferLeader(ulong from, ulong to) =>
        new() { From = from, To = to, MsgType = MessageType.MsgTransferLeader };
}
