using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.MultiRaft.Tests.LeaderTransfer;

/// <summary>
/// Leader transfers that hand leadership over (3A, Raft thesis §3.10): to an up-to-date or a
/// lagging follower, to one that needs a snapshot first, and what replaces a pending transfer.
/// Ported from the original course's raft tests, one method per original test.
/// </summary>
[Milestone("3A")]
public sealed class LeaderTransferTests
{
    // Original: TestLeaderTransferToUpToDateNode3A
    [Fact]
    public void Leadership_moves_to_an_up_to_date_follower_and_back()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));
        var first = network.Node(1);
        first.Lead.Should().Be(1, "node 1 won the election");

        // The request names the transferee as its sender and goes to the leader.
        network.Send(TransferLeader(from: 2, to: 1));

        ShouldEndAs(first, StateType.Follower, 2, "node 2's log matched the leader's, so it got MsgTimeoutNow and won");

        // Replicate one more entry, then move leadership back to node 1 through node 2, the new leader.
        network.Send(Propose(1));
        network.Send(TransferLeader(from: 1, to: 2));

        ShouldEndAs(first, StateType.Leader, 1, "node 1 holds every entry of the new leader, so leadership comes back to it");
    }

    // Original: TestLeaderTransferToUpToDateNodeFromFollower3A
    [Fact]
    public void A_transfer_request_sent_to_a_follower_reaches_the_leader()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));
        var first = network.Node(1);
        first.Lead.Should().Be(1, "node 1 won the election");

        // Every request here goes to the transferee, a follower, which must pass it to its leader.
        network.Send(TransferLeader(from: 2, to: 2));

        ShouldEndAs(first, StateType.Follower, 2, "node 2 forwarded the request to leader 1, which handed leadership to node 2");

        network.Send(Propose(1));
        network.Send(TransferLeader(from: 1, to: 1));

        ShouldEndAs(first, StateType.Leader, 1, "node 1 forwarded the request to leader 2, which handed leadership back");
    }

    // Original: TestLeaderTransferToSlowFollower3A
    [Fact]
    public void A_lagging_transferee_gets_the_missing_entries_before_it_takes_over()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));

        // Node 3 misses the proposal, so its log is one entry short.
        network.Isolate(3);
        network.Send(Propose(1));
        network.Recover();

        var first = network.Node(1);
        first.Prs[3].Match.Should().Be(1, "node 3 holds only the no-op, not the proposal");

        network.Send(TransferLeader(from: 3, to: 1));

        ShouldEndAs(first, StateType.Follower, 3, "the leader must bring node 3 up to date, then let it campaign");
    }

    // Original: TestLeaderTransferAfterSnapshot3A
    [Fact]
    public void A_transferee_behind_the_compaction_gets_a_snapshot_before_it_takes_over()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));

        // Node 3 misses the proposal, which the leader then compacts into a snapshot.
        network.Isolate(3);
        network.Send(Propose(1));
        var first = network.Node(1);
        var storage = network.Storage(1);
        RaftTestNodes.NextEntries(first, storage);
        storage.CreateSnapshot(first.RaftLog.Applied, new ConfState { Nodes = { first.Nodes() } }, null);
        storage.Compact(first.RaftLog.Applied);

        network.Recover();
        first.Prs[3].Match.Should().Be(1, "node 3 holds only the no-op, not the compacted proposal");

        network.Send(TransferLeader(from: 3, to: 1));

        // A heartbeat reply from node 3 gives the leader another chance to send it the snapshot.
        network.Send(new Message { From = 3, To = 1, MsgType = MessageType.MsgHeartbeatResponse, Term = first.Term });

        ShouldEndAs(first, StateType.Follower, 3, "node 3 needs the snapshot to catch up, and then it takes over");
    }

    // Original: TestLeaderTransferReceiveHigherTermVote3A
    [Fact]
    public void A_pending_transfer_gives_way_to_a_candidate_of_a_newer_term()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));

        // Node 3 is cut off, so the transfer to it stays pending.
        network.Isolate(3);
        var first = network.Node(1);
        network.Send(TransferLeader(from: 3, to: 1));
        first.LeadTransferee.Should().Be(3, "node 3 cannot answer, so the transfer to it is still pending");

        // Node 2 campaigns in a newer term meanwhile.
        network.Send(new Message { From = 2, To = 2, MsgType = MessageType.MsgHup, Index = 1, Term = 2 });

        ShouldEndAs(first, StateType.Follower, 2, "a vote request of a newer term unseats the leader whatever transfer it had pending");
    }

    // Original: TestLeaderTransferSecondTransferToAnotherNode3A
    [Fact]
    public void A_second_transfer_to_another_node_replaces_a_pending_one()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));

        // Node 3 is cut off, so the transfer to it stays pending.
        network.Isolate(3);
        var first = network.Node(1);
        network.Send(TransferLeader(from: 3, to: 1));
        first.LeadTransferee.Should().Be(3, "node 3 cannot answer, so the transfer to it is still pending");

        network.Send(TransferLeader(from: 2, to: 1));

        ShouldEndAs(first, StateType.Follower, 2, "a transfer to another node replaces the pending one and completes");
    }

    private static void ShouldEndAs(RaftNode node, StateType state, ulong lead, string because)
    {
        node.State.Should().Be(state, "node {0} should be a {1} after the transfer: {2}", node.Id, state, because);
        node.Lead.Should().Be(lead, "node {0} should see node {1} as leader after the transfer: {2}", node.Id, lead, because);
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };

    private static Message Propose(ulong id) =>
        new() { From = id, To = id, MsgType = MessageType.MsgPropose, Entries = { new Entry() } };

    private static Message TransferLeader(ulong from, ulong to) =>
        new() { From = from, To = to, MsgType = MessageType.MsgTransferLeader };
}
