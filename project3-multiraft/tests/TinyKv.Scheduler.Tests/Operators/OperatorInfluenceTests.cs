using FluentAssertions;
using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Tests.Support;
using Xunit;

namespace TinyKv.Scheduler.Tests.Operators;

/// <summary>
/// The influence of running operators on the stores a balance scheduler sees (given code): what
/// an operator will still add, remove or hand over counts at once, and stops counting twice once
/// a heartbeat shows it done. Regions are put straight into the cluster, bypassing the heartbeat slot.
/// </summary>
public sealed class OperatorInfluenceTests
{
    private readonly Cluster _cluster = TestClusters.Create();
    private readonly RegionInfo _region;

    public OperatorInfluenceTests()
    {
        foreach (var id in new ulong[] { 1, 2, 3, 4 })
        {
            _cluster.PutStore(new Store { Id = id, Address = $"store-{id}" });
        }

        // Region 10 of 30 MiB on stores 1, 2, 3, led from store 1.
        var meta = new Region { Id = 10, RegionEpoch = new RegionEpoch { ConfVer = 3, Version = 1 } };
        meta.Peers.Add([new Peer { Id = 11, StoreId = 1 }, new Peer { Id = 12, StoreId = 2 }, new Peer { Id = 13, StoreId = 3 }]);
        _region = new RegionInfo(meta, meta.Peers[0].Clone(), approximateSize: 30);
        _cluster.PutRegion(_region);
    }

    [Fact]
    public void Without_operators_the_stores_are_as_reported()
    {
        var view = new OperatorInfluence(_cluster, []);

        view.GetStores().Should().Equal(_cluster.GetStores());
    }

    [Fact]
    public void A_move_counts_on_its_target_and_not_on_its_source_before_any_step_is_done()
    {
        var move = OperatorFactory.MovePeer("test", _cluster, _region, OperatorKind.Balance, fromStore: 1, toStore: 4, peerId: 14)!;

        var view = new OperatorInfluence(_cluster, [move]);

        view.GetStore(4)!.RegionSize.Should().Be(30);
        view.GetStore(4)!.RegionCount.Should().Be(1);
        view.GetStore(1)!.RegionSize.Should().Be(0);
        view.GetStore(1)!.RegionCount.Should().Be(0);
        view.GetStore(1)!.LeaderCount.Should().Be(0, "the move hands leadership to store 2 first");
        view.GetStore(2)!.LeaderCount.Should().Be(1);
        view.GetStore(3).Should().Be(_cluster.GetStore(3));
        _cluster.GetStore(4)!.RegionSize.Should().Be(0, "the cluster itself still tells what heartbeats reported");
    }

    [Fact]
    public void A_peer_already_added_is_not_counted_twice()
    {
        var move = OperatorFactory.MovePeer("test", _cluster, _region, OperatorKind.Balance, fromStore: 1, toStore: 4, peerId: 14)!;
        _cluster.PutRegion(_region.WithPeers([.. _region.Peers, new Peer { Id = 14, StoreId = 4 }]).WithIncrementedConfVer());

        var view = new OperatorInfluence(_cluster, [move]);

        view.GetStore(4)!.RegionSize.Should().Be(30);
        view.GetStore(1)!.RegionSize.Should().Be(0);
    }

    [Fact]
    public void Followers_of_a_region_are_seen_with_the_influence()
    {
        var transfer = OperatorFactory.TransferLeader("test", _region, fromStore: 1, toStore: 3, OperatorKind.Balance);

        var view = new OperatorInfluence(_cluster, [transfer]);

        view.GetFollowerStores(_region).Single(s => s.Id == 3).LeaderCount.Should().Be(1);
        view.GetRegionStores(_region).Single(s => s.Id == 1).LeaderCount.Should().Be(0);
    }
}
