using FluentAssertions;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Schedulers;
using TinyKv.Scheduler.Tests.Support;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Scheduler.Tests.Schedulers;

/// <summary>
/// Balance-region (3C): which region moves, from which store, to which store, and when nothing
/// should move. Stores hold 10 MiB per region; every region is 10 MiB.
/// </summary>
[Milestone("3C")]
public sealed class BalanceRegionTests
{
    private readonly MockCluster _cluster = new();
    private readonly BalanceRegion _scheduler;

    public BalanceRegionTests()
    {
        var controller = new OperatorController(_cluster, streams: null);
        _scheduler = new BalanceRegion(controller, new Random(TestSeed.Value));
    }

    [Fact]
    public void Replicas1_moves_the_only_replica_to_the_emptiest_up_store()
    {
        _cluster.Options.MaxReplicas = 1;
        _cluster.AddRegionStore(1, 6);
        _cluster.AddRegionStore(2, 8);
        _cluster.AddRegionStore(3, 8);
        _cluster.AddRegionStore(4, 16);
        _cluster.AddLeaderRegion(1, 4);

        _scheduler.Schedule(_cluster).ShouldTransferPeerWithLeaderTransfer(OperatorKind.Balance, 4, 1);

        // An offline store takes no new peers: store 2 is now the emptiest.
        _cluster.SetStoreOffline(1);
        _cluster.UpdateRegionCount(2, 6);
        _scheduler.Schedule(_cluster).ShouldTransferPeerWithLeaderTransfer(OperatorKind.Balance, 4, 2);

        // A region with fewer replicas than it should have is the replica checker's, not ours.
        _cluster.Options.MaxReplicas = 3;
        _scheduler.Schedule(_cluster).Should().BeNull();

        _cluster.Options.MaxReplicas = 1;
        _scheduler.Schedule(_cluster).Should().NotBeNull();
    }

    [Fact]
    public void Replicas3_moves_a_peer_off_the_fullest_store_to_the_emptiest_store_without_one()
    {
        _cluster.Options.MaxReplicas = 3;
        _cluster.AddRegionStore(1, 16);
        _cluster.AddRegionStore(2, 15);
        _cluster.AddRegionStore(3, 14);
        _cluster.AddLeaderRegion(1, 1, 2, 3);

        _scheduler.Schedule(_cluster).Should().BeNull("every store already holds the region");

        _cluster.AddRegionStore(4, 2);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 1, 4);

        _cluster.AddRegionStore(5, 1);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 1, 5);

        _cluster.AddRegionStore(6, 0);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 1, 6);

        _cluster.SetStoreDown(6);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 1, 5);

        _cluster.SetStoreDown(4);
        _cluster.SetStoreDown(5);
        _cluster.SetStoreDown(6);
        _cluster.AddRegionStore(7, 20);
        _scheduler.Schedule(_cluster).Should().BeNull("the only store left without the region is fuller than the source");
    }

    [Fact]
    public void Replicas5_picks_the_emptiest_store_that_holds_no_peer_of_the_region()
    {
        _cluster.Options.MaxReplicas = 5;
        _cluster.AddRegionStore(1, 4);
        _cluster.AddRegionStore(2, 5);
        _cluster.AddRegionStore(3, 6);
        _cluster.AddRegionStore(4, 7);
        _cluster.AddRegionStore(5, 28);
        _cluster.AddLeaderRegion(1, 1, 2, 3, 4, 5);

        _cluster.AddRegionStore(6, 1);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 5, 6);

        _cluster.AddRegionStore(7, 5);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 5, 6);

        // The region now sits on 2..6: store 1 is the emptiest store without it.
        _cluster.AddLeaderRegion(1, 2, 3, 4, 5, 6);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 5, 1);

        _cluster.AddRegionStore(11, 29);
        _cluster.AddRegionStore(12, 8);
        _cluster.AddRegionStore(13, 7);
        _cluster.AddLeaderRegion(1, 2, 3, 11, 12, 13);
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 11, 6);
    }

    [Fact]
    public void Replace_pending_region_first()
    {
        _cluster.Options.MaxReplicas = 3;
        _cluster.AddRegionStore(1, 16);
        _cluster.AddRegionStore(2, 7);
        _cluster.AddRegionStore(3, 15);
        _cluster.AddRegionStore(4, 10);
        _cluster.AddLeaderRegion(1, 1, 2, 3);
        _cluster.AddLeaderRegion(2, 1, 2, 3);
        var region3 = _cluster.AddLeaderRegion(3, 2, 1, 3);
        _cluster.PutRegion(region3.WithPendingPeers([region3.GetStorePeer(1)!]));

        _scheduler.Schedule(_cluster)!.RegionId.Should().Be(3UL, "region 3's peer on the fullest store is pending: move that one first");

        // Region 3 has peers on stores 2, 1 and 3: store 4 is the only choice.
        _scheduler.Schedule(_cluster).ShouldTransferPeer(OperatorKind.Balance, 1, 4);
    }
}
