using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Snapshots;

/// <summary>
/// Snapshots at the Raft level (2C): a follower installing one (or ignoring a stale one), and a
/// leader sending one to a follower whose next entry it compacted away. Ported from the
/// original course's raft tests, one method per original test.
/// </summary>
[Milestone("2C")]
public sealed class SnapshotTests
{
    // Original: TestRestoreSnapshot2C
    [Fact]
    public void Installing_a_snapshot_replaces_the_log_and_the_members()
    {
        var snapshot = SnapshotAt(11, 11, 1, 2, 3);
        var node = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, new MemoryStorage());

        node.HandleSnapshot(new Message { Snapshot = snapshot });

        node.RaftLog.LastIndex().Should().Be(11, "the log now ends where the snapshot does");
        node.RaftLog.Term(11).Should().Be(11, "the snapshot remembers the term of its last entry");
        node.Nodes().Should().Equal(snapshot.Metadata.ConfState.Nodes, "the members are the snapshot's");
    }

    // Original: TestRestoreIgnoreSnapshot2C
    [Fact]
    public void A_snapshot_older_than_the_commit_index_is_ignored()
    {
        var storage = new MemoryStorage();
        storage.Append([new Entry { Term = 1, Index = 1 }, new Entry { Term = 1, Index = 2 }, new Entry { Term = 1, Index = 3 }]);
        var node = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, storage);
        node.RaftLog.Committed = 3;

        node.HandleSnapshot(new Message { Snapshot = SnapshotAt(1, 1, 1, 2) });

        node.RaftLog.Committed.Should().Be(3, "a snapshot of index 1 covers nothing new when index 3 is committed");
    }

    // Beyond the original (etcd's restore rule): found by a seed sweep of the 2C cluster tests,
    // where a snapshot delayed on the network reached a follower after the entries that follow it.
    [Fact]
    public void A_snapshot_whose_last_entry_the_log_holds_only_moves_the_commit_index()
    {
        var storage = new MemoryStorage();
        storage.Append([new Entry { Term = 1, Index = 1 }, new Entry { Term = 1, Index = 2 }, new Entry { Term = 1, Index = 3 }, new Entry { Term = 1, Index = 4 }]);
        var node = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, storage);
        node.RaftLog.Committed = 1;

        node.HandleSnapshot(new Message { From = 2, Snapshot = SnapshotAt(3, 1, 1, 2) });

        node.RaftLog.LastIndex().Should().Be(4, "entry 4 follows the snapshot and may have been acknowledged: it must stay");
        node.RaftLog.Committed.Should().Be(3, "everything the snapshot covers is committed");
        node.RaftLog.PendingSnapshot.Should().BeNull("nothing is restored");
    }

    // Original: TestProvideSnap2C
    [Fact]
    public void A_leader_sends_a_snapshot_to_a_follower_whose_next_entry_is_compacted()
    {
        // Start the node from a snapshot, so its log begins after index 11.
        var node = RaftTestNodes.NewRaft(1, [1], 10, 1, new MemoryStorage());
        node.HandleSnapshot(new Message { Snapshot = SnapshotAt(11, 11, 1, 2) });
        node.BecomeCandidate();
        node.BecomeLeader();
        RaftTestNodes.ReadMessages(node);

        // Pretend node 2 needs entry 10, which the log no longer holds.
        node.Prs[2].Next = 10;
        node.Step(new Message
        {
            From = 2,
            To = 1,
            MsgType = MessageType.MsgPropose,
            Entries = { new Entry { Data = ByteString.CopyFromUtf8("somedata") } },
        });

        var messages = RaftTestNodes.ReadMessages(node);
        messages.Should().ContainSingle("the proposal makes the leader send node 2 one message");
        messages[0].MsgType.Should().Be(MessageType.MsgSnapshot, "entry 10 is compacted, so node 2 needs a snapshot");
    }

    // Original: TestRestoreFromSnapMsg2C
    [Fact]
    public void A_follower_takes_the_sender_of_a_snapshot_as_its_leader()
    {
        var node = RaftTestNodes.NewRaft(2, [1, 2], 10, 1, new MemoryStorage());

        node.Step(new Message { MsgType = MessageType.MsgSnapshot, From = 1, Term = 2, Snapshot = SnapshotAt(11, 11, 1, 2) });

        node.Lead.Should().Be(1, "only the leader sends snapshots");
    }

    // Original: TestRestoreFromSnapWithOverlapingPeersMsg2C
    [Fact]
    public void A_snapshot_with_other_members_replaces_the_members()
    {
        var snapshot = SnapshotAt(11, 11, 2, 3, 4);
        var node = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, new MemoryStorage());

        node.Step(new Message { MsgType = MessageType.MsgSnapshot, From = 1, Term = 2, Snapshot = snapshot });

        node.Lead.Should().Be(1, "only the leader sends snapshots");
        var members = snapshot.Metadata.ConfState.Nodes;
        node.Prs.Should().HaveCount(members.Count, "the members after the snapshot are exactly the snapshot's");
        node.Prs.Keys.Should().Contain(members, "every member the snapshot names gets a progress");
    }

    // Original: TestSlowNodeRestore2C
    [Fact]
    public void A_follower_that_fell_behind_a_compaction_catches_up_from_a_snapshot()
    {
        var network = new RaftNetwork(null, null, null);
        network.Send(Hup(1));

        // Node 3 misses a hundred-odd entries, which the leader then compacts into a snapshot.
        network.Isolate(3);
        for (var i = 0; i <= 100; i++)
        {
            network.Send(new Message { From = 1, To = 1, MsgType = MessageType.MsgPropose, Entries = { new Entry() } });
        }

        var leader = network.Node(1);
        var storage = network.Storage(1);
        RaftTestNodes.NextEntries(leader, storage);
        storage.CreateSnapshot(leader.RaftLog.Applied, new ConfState { Nodes = { leader.Nodes() } }, null);
        storage.Compact(leader.RaftLog.Applied);

        network.Recover();

        // Heartbeats first, so the leader hears from node 3 again.
        network.Send(new Message { From = 1, To = 1, MsgType = MessageType.MsgBeat });

        // A proposal makes the leader replicate to node 3, which needs the snapshot.
        network.Send(new Message { From = 1, To = 1, MsgType = MessageType.MsgPropose, Entries = { new Entry() } });

        // Another proposal, to bring the commit index along.
        network.Send(new Message { From = 1, To = 1, MsgType = MessageType.MsgPropose, Entries = { new Entry() } });

        network.Node(3).RaftLog.Committed.Should().Be(leader.RaftLog.Committed, "node 3 caught up through the snapshot and the entries after it");
    }

    private static Snapshot SnapshotAt(ulong index, ulong term, params ulong[] nodes) =>
        new()
        {
            Metadata = new SnapshotMetadata
            {
                Index = index,
                Term = term,
                ConfState = new ConfState { Nodes = { nodes } },
            },
        };

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };
}
