using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using TinyKv.TestKit.Simulation;
using Xunit;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.MultiRaft.Tests.Store;

/// <summary>
/// How a store routes commands and messages once regions change (3B): the region errors of a
/// proposal and of an entry whose epoch went stale before it applied, and the checks a store
/// makes before it creates a peer for a message of a region it does not hold.
/// </summary>
[Milestone("3B")]
[Simulated]
public sealed class RegionRoutingTests
{
    [Fact]
    public void A_command_whose_epoch_went_stale_before_it_applied_is_refused_and_not_applied()
    {
        using var sim = Simulator.FromEnvironment($"{nameof(RegionRoutingTests)}.{nameof(A_command_whose_epoch_went_stale_before_it_applied_is_refused_and_not_applied)}");
        var cluster = new TestCluster(sim, 1);
        cluster.Start();
        cluster.MustPut("a", "1");
        var store = cluster.StoreOf(1)!;
        var peer = store.PeerOf(1)!;
        var epoch = peer.Region.RegionEpoch.Clone();

        // Both are proposed in one round with the region's epoch; the split applies first, so
        // the put's epoch is stale when its turn comes, although its key stays in the region.
        var split = Command(peer, epoch);
        split.AdminRequest = new AdminRequest
        {
            CmdType = AdminCmdType.Split,
            Split = new SplitRequest { SplitKey = ByteString.CopyFromUtf8("m"), NewRegionId = cluster.Scheduler.AllocId(), NewPeerIds = { cluster.Scheduler.AllocId() } },
        };
        var put = Command(peer, epoch);
        put.Requests.Add(new Request { CmdType = CmdType.Put, Put = new PutRequest { Key = ByteString.CopyFromUtf8("b"), Value = ByteString.CopyFromUtf8("2") } });
        var splitAnswer = Propose(store, split);
        var putAnswer = Propose(store, put);
        cluster.Sleep(500_000);

        splitAnswer().Header.Error.Should().BeNull();
        putAnswer().Header.Error.Should().NotBeNull();
        putAnswer().Header.Error.EpochNotMatch.Should().NotBeNull("the region's version moved between proposal and apply");
        putAnswer().Header.Error.EpochNotMatch.CurrentRegions.Should().ContainSingle(r => r.Id == 1);
        cluster.EnginesOf(1).Kv.Get(ColumnFamily.Default, "b"u8).Should().BeNull("a refused command writes nothing");
        peer.Region.EndKey.ToStringUtf8().Should().Be("m");
        store.PeerOf(split.AdminRequest.Split.NewRegionId).Should().NotBeNull("the split starts the new region's peer");
        cluster.Shutdown();
    }

    [Fact]
    public void Proposals_outside_the_region_or_for_an_unknown_region_get_region_errors()
    {
        using var sim = Simulator.FromEnvironment($"{nameof(RegionRoutingTests)}.{nameof(Proposals_outside_the_region_or_for_an_unknown_region_get_region_errors)}");
        var cluster = new TestCluster(sim, 1);
        cluster.Start();
        cluster.MustPut("a", "1");
        var store = cluster.StoreOf(1)!;
        var peer = store.PeerOf(1)!;
        var split = Command(peer, peer.Region.RegionEpoch);
        split.AdminRequest = new AdminRequest
        {
            CmdType = AdminCmdType.Split,
            Split = new SplitRequest { SplitKey = ByteString.CopyFromUtf8("m"), NewRegionId = cluster.Scheduler.AllocId(), NewPeerIds = { cluster.Scheduler.AllocId() } },
        };
        var splitAnswer = Propose(store, split);
        cluster.Sleep(300_000);
        splitAnswer().Header.Error.Should().BeNull();

        var outside = Command(peer, peer.Region.RegionEpoch);
        outside.Requests.Add(new Request { CmdType = CmdType.Put, Put = new PutRequest { Key = ByteString.CopyFromUtf8("x"), Value = ByteString.CopyFromUtf8("1") } });
        var outsideAnswer = Propose(store, outside);
        outsideAnswer().Header.Error.KeyNotInRegion.Should().NotBeNull("the answer comes at once, before the log");
        outsideAnswer().Header.Error.KeyNotInRegion.EndKey.ToStringUtf8().Should().Be("m");

        var stale = Command(peer, new RegionEpoch { ConfVer = 1, Version = 1 });
        stale.Requests.Add(new Request { CmdType = CmdType.Put, Put = new PutRequest { Key = ByteString.CopyFromUtf8("b"), Value = ByteString.CopyFromUtf8("1") } });
        Propose(store, stale)().Header.Error.EpochNotMatch.CurrentRegions.Should().ContainSingle(r => r.Id == 1 && r.EndKey == ByteString.CopyFromUtf8("m"));

        var unknown = new RaftCmdRequest { Header = new RaftRequestHeader { RegionId = 424242, RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 } } };
        Propose(store, unknown)().Header.Error.RegionNotFound.RegionId.Should().Be(424242);
        cluster.Shutdown();
    }

    [Fact]
    public void A_store_creates_a_peer_only_for_a_message_that_may_start_one()
    {
        using var sim = Simulator.FromEnvironment($"{nameof(RegionRoutingTests)}.{nameof(A_store_creates_a_peer_only_for_a_message_that_may_start_one)}");
        var cluster = new TestCluster(sim, 3);
        cluster.Start();
        cluster.MustPut("a", "1");
        var store = cluster.StoreOf(3)!;

        // Region 1 covers every key on store 3: nothing overlapping it may start a peer there.
        store.OnRaftMessage(Message(77, MessageType.MsgHeartbeat, commit: 0, start: "c", end: "d", epoch: new RegionEpoch { ConfVer = 1, Version = 1 }));
        store.PeerOf(77).Should().BeNull("its range overlaps region 1 on this store");

        // Take store 3 out of region 1: its peer becomes a tombstone and the keys are free there.
        cluster.Scheduler.RemovePeer(1, new MetaPeer { Id = 3, StoreId = 3 });
        for (var i = 0; i < 500 && store.PeerOf(1) is not null; i++)
        {
            cluster.Sleep(10_000);
        }

        store.PeerOf(1).Should().BeNull("the removed peer destroys itself");
        var tombstone = MetaStore.RegionState(cluster.EnginesOf(3).Kv, 1)!;
        tombstone.State.Should().Be(PeerState.Tombstone);
        var removedAt = tombstone.Region.RegionEpoch;

        store.OnRaftMessage(Message(1, MessageType.MsgHeartbeat, commit: 0, start: "", end: "", epoch: removedAt.Clone(), toPeer: 3));
        store.PeerOf(1).Should().BeNull("a message of the epoch the peer was removed at does not bring it back");

        var later = new RegionEpoch { ConfVer = removedAt.ConfVer + 1, Version = removedAt.Version };
        store.OnRaftMessage(Message(1, MessageType.MsgAppend, commit: 7, start: "", end: "", epoch: later, toPeer: 9));
        store.PeerOf(1).Should().BeNull("an append is not a message that starts a peer");
        store.OnRaftMessage(Message(1, MessageType.MsgHeartbeat, commit: 7, start: "", end: "", epoch: later, toPeer: 9));
        store.PeerOf(1).Should().BeNull("a heartbeat to a peer the leader already replicated to is not either");

        store.OnRaftMessage(Message(1, MessageType.MsgHeartbeat, commit: 0, start: "", end: "", epoch: later, toPeer: 9));
        var created = store.PeerOf(1);
        created.Should().NotBeNull("a later epoch's first heartbeat adds the peer back");
        created!.PeerId.Should().Be(9);
        created.Storage.IsInitialized.Should().BeFalse("it knows nothing of its region until a snapshot comes");
        cluster.Shutdown();
    }

    private static RaftCmdRequest Command(TinyKv.RaftStore.Peer peer, RegionEpoch epoch) => new()
    {
        Header = new RaftRequestHeader { RegionId = peer.RegionId, Peer = peer.Meta.Clone(), RegionEpoch = epoch.Clone() },
    };

    private static Func<RaftCmdResponse> Propose(StoreHost store, RaftCmdRequest request)
    {
        RaftCmdResponse? answer = null;
        store.ProposeCommand(request, new Callback((response, snapshot) =>
        {
            snapshot?.Dispose();
            answer = response;
        }));
        return () => answer ?? throw new InvalidOperationException("the command was not answered");
    }

    private static RaftMessage Message(ulong regionId, MessageType type, ulong commit, string start, string end, RegionEpoch epoch, ulong toPeer = 99) => new()
    {
        RegionId = regionId,
        FromPeer = new MetaPeer { Id = 1, StoreId = 1 },
        ToPeer = new MetaPeer { Id = toPeer, StoreId = 3 },
        RegionEpoch = epoch,
        StartKey = ByteString.CopyFromUtf8(start),
        EndKey = ByteString.CopyFromUtf8(end),
        Message = new Message { MsgType = type, From = 1, To = toPeer, Term = 50, Commit = commit },
    };
}
