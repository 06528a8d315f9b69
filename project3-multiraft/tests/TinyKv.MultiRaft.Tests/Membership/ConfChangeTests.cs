using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Membership;

/// <summary>
/// Membership change at the Raft level (3A): applying an added or removed node to the group,
/// and what a smaller group can commit. Ported from the original course's raft tests, one
/// method per original test.
/// </summary>
[Milestone("3A")]
public sealed class ConfChangeTests
{
    // Original: TestAddNode3A
    [Fact]
    public void Adding_a_node_makes_it_a_member()
    {
        var node = RaftTestNodes.NewRaft(1, [1], 10, 1, new MemoryStorage());

        node.AddNode(2);

        node.Nodes().Should().Equal([1UL, 2UL], "an added node joins the members, which stay in id order");
    }

    // Original: TestRemoveNode3A
    [Fact]
    public void Removing_nodes_takes_them_out_of_the_group_down_to_none()
    {
        var node = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, new MemoryStorage());

        node.RemoveNode(2);
        node.Nodes().Should().Equal([1UL], "node 2 was removed and node 1 stays");

        // Removing the last member, the node itself, must work too.
        node.RemoveNode(1);
        node.Nodes().Should().BeEmpty("every member was removed, the node itself included");
    }

    // Original: TestCommitAfterRemoveNode3A
    [Fact]
    public void Removing_a_node_lets_the_smaller_group_commit_a_waiting_entry()
    {
        var storage = new MemoryStorage();
        var leader = RaftTestNodes.NewRaft(1, [1, 2], 5, 1, storage);
        leader.BecomeCandidate();
        leader.BecomeLeader();

        // Propose removing node 2. With two members, nothing commits without node 2.
        var removal = new ConfChange { ChangeType = ConfChangeType.RemoveNode, NodeId = 2 };
        leader.Step(new Message
        {
            MsgType = MessageType.MsgPropose,
            Entries = { new Entry { EntryType = EntryType.EntryConfChange, Data = removal.ToByteString() } },
        });
        RaftTestNodes.NextEntries(leader, storage).Should().BeEmpty("a group of two needs node 2 to commit anything");
        var removalIndex = leader.RaftLog.LastIndex();

        // A normal proposal while the removal is still pending.
        leader.Step(new Message
        {
            MsgType = MessageType.MsgPropose,
            Entries = { new Entry { EntryType = EntryType.EntryNormal, Data = ByteString.CopyFromUtf8("hello") } },
        });

        // Node 2 acknowledges everything up to the removal (not the proposal after it).
        leader.Step(new Message { MsgType = MessageType.MsgAppendResponse, From = 2, Index = removalIndex, Term = leader.Term });

        var committed = RaftTestNodes.NextEntries(leader, storage);
        committed.Should().HaveCount(2, "node 2's acknowledgement commits the no-op and the removal, but not the proposal it has not got");
        committed[0].EntryType.Should().Be(EntryType.EntryNormal, "the first committed entry is the leader's no-op");
        committed[0].Data.IsEmpty.Should().BeTrue("the leader's no-op carries no data");
        committed[1].EntryType.Should().Be(EntryType.EntryConfChange, "the second committed entry is the removal");

        // Applying the removal leaves a group of one: the leader alone is a majority.
        leader.RemoveNode(2);

        committed = RaftTestNodes.NextEntries(leader, storage);
        committed.Should().ContainSingle("once node 2 is gone the waiting proposal needs no one else's acknowledgement");
        committed[0].EntryType.Should().Be(EntryType.EntryNormal, "the newly committed entry is the normal proposal");
        committed[0].Data.ToStringUtf8().Should().Be("hello", "the newly committed entry carries the proposal's data");
    }
}
