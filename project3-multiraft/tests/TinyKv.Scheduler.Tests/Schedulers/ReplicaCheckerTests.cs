using FluentAssertions;
using TinyKv.Scheduler.Checkers;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Tests.Support;
using Xunit;

namespace TinyKv.Scheduler.Tests.Schedulers;

/// <summary>The replica checker (given code): regions keep MaxReplicas replicas on stores that are alive.</summary>
public sealed class ReplicaCheckerTests
{
    private readonly MockCluster _cluster = new();
    private readonly ReplicaChecker _checker;

    public ReplicaCheckerTests()
    {
        _checker = new ReplicaChecker(_cluster);
        _cluster.AddRegionStore(1, 4);
        _cluster.AddRegionStore(2, 3);
        _cluster.AddRegionStore(3, 2);
        _cluster.AddRegionStore(4, 1);
    }

    [Fact]
    public void A_region_short_of_replicas_gets_one_on_the_emptiest_store()
    {
        var region = _cluster.AddLeaderRegion(1, 1, 2);

        _checker.Check(region).ShouldAddPeer(OperatorKind.Replica, 4);
    }

    [Fact]
    public void A_full_region_on_live_stores_needs_nothing()
    {
        var region = _cluster.AddLeaderRegion(1, 1, 2, 3);

        _checker.Check(region).Should().BeNull();
    }

    [Fact]
    public void A_peer_on_a_down_store_is_replaced_before_it_is_removed()
    {
        var region = _cluster.AddLeaderRegion(1, 1, 2, 3);
        _cluster.SetStoreDown(2);

        var op = _checker.Check(region);

        op.ShouldTransferPeer(OperatorKind.Replica, 2, 4);
        op!.Priority.Should().Be(OperatorPriority.High);
    }

    [Fact]
    public void A_region_with_a_replica_too_many_loses_the_one_on_the_fullest_store()
    {
        var region = _cluster.AddLeaderRegion(1, 2, 1, 3, 4);

        var op = _checker.Check(region);

        op.Should().NotBeNull();
        op!.Steps.Should().Equal([new RemovePeer(1)]);
    }

    [Fact]
    public void No_store_to_add_to_means_no_operator()
    {
        var region = _cluster.AddLeaderRegion(1, 1, 2);
        _cluster.SetStoreOffline(3);
        _cluster.SetStoreDown(4);

        _checker.Check(region).Should().BeNull();
    }
}
