using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Store;

/// <summary>
/// A leader that applies its own removal from a region of two (3B). It is destroyed at once,
/// and the other peer may never hear that the removal committed: in the old membership it
/// needs the removed peer's vote to elect itself. The removed peer's store answers its vote
/// with where the removal committed, and the survivor carries on alone.
/// </summary>
[Milestone("3B")]
[Simulated]
public sealed class RemovedLeaderTests
{
    [Fact]
    public void The_survivor_of_a_removed_leader_learns_the_removal_committed_and_leads_alone()
    {
        using var sim = Simulator.FromEnvironment($"{nameof(RemovedLeaderTests)}.{nameof(The_survivor_of_a_removed_leader_learns_the_removal_committed_and_leads_alone)}");
        var cluster = new TestCluster(sim, 2);
        cluster.Start();
        cluster.MustPut("a", "1");
        var removed = cluster.StoreOf(1)!.PeerOf(1)!;
        var survivor = cluster.StoreOf(2)!.PeerOf(1)!;
        cluster.MustTransferLeader(1, survivor.Meta);
        for (var i = 0; i < 100 && !(survivor.RaftGroup.Raft.RaftLog.Committed == survivor.RaftGroup.Raft.RaftLog.LastIndex()
            && removed.RaftGroup.Raft.RaftLog.Committed == survivor.RaftGroup.Raft.RaftLog.LastIndex()); i++)
        {
            cluster.Sleep(10_000); // until both peers have everything so far committed
        }

        // The survivor, leading, proposes the other peer's removal; the entry reaches that peer,
        // but its acknowledgement does not come back, so the survivor cannot commit it.
        cluster.AddFilter(new MessageFilter<SnapshotChunk>("no append responses to store 2", (from, to, chunk) =>
            from == 1 && to == 2 && chunk.Message?.Message?.MsgType == MessageType.MsgAppendResponse));
        var remove = new RaftCmdRequest
        {
            Header = new RaftRequestHeader { RegionId = 1, Peer = survivor.Meta.Clone(), RegionEpoch = survivor.Region.RegionEpoch.Clone() },
            AdminRequest = new AdminRequest
            {
                CmdType = AdminCmdType.ChangePeer,
                ChangePeer = new ChangePeerRequest { ChangeType = ConfChangeType.RemoveNode, Peer = removed.Meta.Clone() },
            },
        };
        var before = survivor.RaftGroup.Raft.RaftLog.LastIndex();
        cluster.StoreOf(2)!.ProposeCommand(remove, new Callback((_, snapshot) => snapshot?.Dispose()));
        var removalIndex = survivor.RaftGroup.Raft.RaftLog.LastIndex();
        removalIndex.Should().Be(before + 1, "the removal is the entry just proposed");
        cluster.Sleep(200_000);
        removed.RaftGroup.Raft.RaftLog.LastIndex().Should().BeGreaterThanOrEqualTo(removalIndex, "the removal reached the peer it removes");
        survivor.RaftGroup.Raft.RaftLog.Committed.Should().BeLessThan(removalIndex);

        // The removed peer stops hearing the leader and wins the next election (its log is as
        // long); it commits the removal with the survivor's acknowledgement and applies it, but
        // nothing that would tell the survivor the commit index reaches it.
        cluster.AddFilter(new MessageFilter<SnapshotChunk>("no appends or heartbeats to store 1", (from, to, chunk) =>
            from == 2 && to == 1 && chunk.Message?.Message?.MsgType is MessageType.MsgAppend or MessageType.MsgHeartbeat));
        cluster.AddFilter(new MessageFilter<SnapshotChunk>("no commit of the removal to store 2", (from, to, chunk) =>
            from == 1 && to == 2 && chunk.Message?.Message is { MsgType: MessageType.MsgAppend or MessageType.MsgHeartbeat } m && m.Commit >= removalIndex));

        // The survivor's own campaigns wait until the removed peer is gone, so what follows is
        // what the tombstone tells them.
        var holdVotes = true;
        cluster.AddFilter(new MessageFilter<SnapshotChunk>("no votes to store 1 yet", (from, to, chunk) =>
            holdVotes && from == 2 && to == 1 && chunk.Message?.Message?.MsgType == MessageType.MsgRequestVote));
        for (var i = 0; i < 200 && cluster.StoreOf(1)!.PeerOf(1) is not null; i++)
        {
            cluster.Sleep(50_000);
        }

        cluster.StoreOf(1)!.PeerOf(1).Should().BeNull("the removed peer led, applied its own removal and destroyed itself");
        survivor.RaftGroup.Raft.RaftLog.Committed.Should().BeLessThan(removalIndex, "the survivor has not heard the removal committed");
        MetaStore.RemovedAt(cluster.EnginesOf(1).Kv, 1)!.Index.Should().Be(removalIndex, "the tombstone keeps where the removal committed");

        // The survivor campaigns; the removed peer's store answers with where the removal
        // committed, and the survivor applies it and leads a region of one.
        holdVotes = false;
        for (var i = 0; i < 200 && !(survivor.IsLeader && survivor.Region.Peers.Count == 1); i++)
        {
            cluster.Sleep(50_000);
        }

        survivor.RaftGroup.Raft.RaftLog.Committed.Should().BeGreaterThanOrEqualTo(removalIndex);
        survivor.Region.Peers.Should().ContainSingle().Which.StoreId.Should().Be(2);
        survivor.IsLeader.Should().BeTrue("alone in its region, the survivor elects itself");
        cluster.MustPut("b", "2");
        cluster.MustGetEqual(2, "b", "2");
        cluster.Shutdown();
    }
}
