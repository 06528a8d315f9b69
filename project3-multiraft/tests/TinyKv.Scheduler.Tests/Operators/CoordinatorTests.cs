using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Schedulers;
using TinyKv.Scheduler.Tests.Support;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Scheduler.Tests.Operators;

/// <summary>
/// The coordinator on the loop's clock (given code), against stores that carry out every command
/// a little later and report the result. Reports go straight into the cluster (bypassing the
/// heartbeat slot), so these tests hold in every edition.
/// </summary>
public sealed class CoordinatorTests
{
    private static readonly TimeSpan CommandDelay = TimeSpan.FromMilliseconds(20);

    private readonly ManualLoop _loop = new();
    private readonly Cluster _cluster;
    private readonly ObedientStores _stores;

    public CoordinatorTests()
    {
        _stores = new ObedientStores(this);
        _cluster = TestClusters.Create(_loop, _stores.Streams, new ScheduleOptions { MaxStoreDownTime = TimeSpan.FromMinutes(1) });
    }

    [Fact]
    public void The_replica_checker_restores_three_replicas_after_a_store_is_lost()
    {
        var alive = new HashSet<ulong> { 1, 2, 3, 4 };
        foreach (var id in alive)
        {
            _cluster.PutStore(new Store { Id = id, Address = $"store-{id}" });
        }

        for (var i = 0UL; i < 10; i++)
        {
            var meta = new Region
            {
                Id = 100 + i,
                StartKey = i == 0 ? ByteString.Empty : ByteString.CopyFrom((byte)i),
                EndKey = i == 9 ? ByteString.Empty : ByteString.CopyFrom((byte)(i + 1)),
                RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
            };
            meta.Peers.Add([new Peer { Id = 1000 + (i * 10) + 1, StoreId = 1 }, new Peer { Id = 1000 + (i * 10) + 2, StoreId = 2 }, new Peer { Id = 1000 + (i * 10) + 3, StoreId = 3 }]);
            _cluster.PutRegion(new RegionInfo(meta, meta.Peers[(int)(i % 3)].Clone(), approximateSize: 10));
        }

        using var coordinator = new Coordinator(_cluster, _loop, [new BalanceLeader(_cluster.Operators, new Random(TestSeed.Value))]);
        coordinator.Start();
        StoreHeartbeatsEverySecond(alive);
        _loop.Advance(TimeSpan.FromSeconds(10));
        _cluster.GetRegions().Should().OnlyContain(r => r.StoreIds.SequenceEqual(new ulong[] { 1, 2, 3 }), "nothing needs fixing while every store is alive");

        alive.Remove(3);
        _loop.Advance(TimeSpan.FromMinutes(3));

        _cluster.GetRegions().Should().OnlyContain(
            r => r.StoreIds.SequenceEqual(new ulong[] { 1, 2, 4 }),
            "every peer on the lost store is replaced on the one store left");
        _cluster.GetRegions().Should().OnlyContain(r => r.Leader != null && r.Leader.StoreId != 3);
        _cluster.Operators.GetOperators().Should().BeEmpty("every operator finished");
    }

    [Fact]
    public void Balance_leader_evens_out_leaders_through_the_coordinator()
    {
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            _cluster.PutStore(new Store { Id = id, Address = $"store-{id}" });
        }

        for (var i = 0UL; i < 30; i++)
        {
            var meta = new Region
            {
                Id = 100 + i,
                StartKey = i == 0 ? ByteString.Empty : ByteString.CopyFrom((byte)i),
                EndKey = i == 29 ? ByteString.Empty : ByteString.CopyFrom((byte)(i + 1)),
                RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
            };
            meta.Peers.Add([new Peer { Id = 1000 + (i * 10) + 1, StoreId = 1 }, new Peer { Id = 1000 + (i * 10) + 2, StoreId = 2 }, new Peer { Id = 1000 + (i * 10) + 3, StoreId = 3 }]);
            _cluster.PutRegion(new RegionInfo(meta, meta.Peers[0].Clone(), approximateSize: 10));
        }

        using var coordinator = new Coordinator(_cluster, _loop, [new BalanceLeader(_cluster.Operators, new Random(TestSeed.Value))]);
        coordinator.Start();
        StoreHeartbeatsEverySecond([1, 2, 3]);
        _loop.Advance(TimeSpan.FromMinutes(1));

        var leaders = _cluster.GetStores().Select(s => s.LeaderCount).ToList();
        (leaders.Max() - leaders.Min()).Should().BeLessThan(2 * BalanceLeader.LeaderTolerance, $"leaders per store: {string.Join(", ", leaders)}");
    }

    /// <summary>
    /// Beyond the original: balance-region run by the coordinator spreads the replicas of a
    /// three-store cluster over a fourth, empty store, until no move is worth making, with every
    /// region keeping three replicas.
    /// </summary>
    [Fact]
    [Milestone("3C")]
    public void Balance_region_fills_a_new_store_until_the_stores_are_even()
    {
        foreach (var id in new ulong[] { 1, 2, 3, 4 })
        {
            _cluster.PutStore(new Store { Id = id, Address = $"store-{id}" });
        }

        const int Regions = 30;
        for (var i = 0UL; i < Regions; i++)
        {
            var meta = new Region
            {
                Id = 100 + i,
                StartKey = i == 0 ? ByteString.Empty : ByteString.CopyFrom((byte)i),
                EndKey = i == Regions - 1 ? ByteString.Empty : ByteString.CopyFrom((byte)(i + 1)),
                RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
            };
            meta.Peers.Add([new Peer { Id = 1000 + (i * 10) + 1, StoreId = 1 }, new Peer { Id = 1000 + (i * 10) + 2, StoreId = 2 }, new Peer { Id = 1000 + (i * 10) + 3, StoreId = 3 }]);
            _cluster.PutRegion(new RegionInfo(meta, meta.Peers[(int)(i % 3)].Clone(), approximateSize: 10));
        }

        using var coordinator = new Coordinator(_cluster, _loop, [new BalanceRegion(_cluster.Operators, new Random(TestSeed.Value))]);
        coordinator.Start();
        StoreHeartbeatsEverySecond([1, 2, 3, 4]);
        _loop.Advance(TimeSpan.FromMinutes(2));

        var counts = _cluster.GetStores().Select(s => s.RegionCount).ToList();
        counts.Sum().Should().Be(3 * Regions);
        (counts.Max() - counts.Min()).Should().BeLessThanOrEqualTo(3, $"regions per store: {string.Join(", ", counts)}");
        _cluster.GetRegions().Should().OnlyContain(r => r.Peers.Count == 3);
        _cluster.Operators.GetOperators().Should().BeEmpty("every move finished");
    }

    private void StoreHeartbeatsEverySecond(IReadOnlyCollection<ulong> alive)
    {
        foreach (var id in alive)
        {
            _cluster.HandleStoreHeartbeat(new StoreStats { StoreId = id, Capacity = 1000UL << 20, Available = 1000UL << 20 });
        }

        _loop.Schedule((long)TimeSpan.FromSeconds(1).TotalMicroseconds, () => StoreHeartbeatsEverySecond(alive));
    }

    /// <summary>Leaders that carry out every command after <see cref="CommandDelay"/> and report the region right after.</summary>
    private sealed class ObedientStores(CoordinatorTests test)
    {
        public RecordingStreams Streams { get; } = new Forwarding(test);

        private sealed class Forwarding(CoordinatorTests test) : RecordingStreams
        {
            public override void Send(RegionInfo region, RegionHeartbeatResponse response)
            {
                base.Send(region, response);
                test._loop.Schedule((long)CommandDelay.TotalMicroseconds, () => test.Apply(response));
            }
        }
    }

    private void Apply(RegionHeartbeatResponse command)
    {
        if (_cluster.GetRegion(command.RegionId) is not { } region)
        {
            return;
        }

        if (command.TransferLeader is { } transfer && region.GetPeer(transfer.Peer.Id) is { } next)
        {
            region = region.WithLeader(next);
        }
        else if (command.ChangePeer is { ChangeType: ConfChangeType.AddNode } add && !region.HasPeerOn(add.Peer.StoreId))
        {
            region = region.WithPeers([.. region.Peers, add.Peer]).WithIncrementedConfVer();
        }
        else if (command.ChangePeer is { ChangeType: ConfChangeType.RemoveNode } remove && region.GetPeer(remove.Peer.Id) is not null && !region.IsLeader(remove.Peer))
        {
            region = region.WithoutStorePeer(remove.Peer.StoreId).WithIncrementedConfVer();
        }

        _cluster.PutRegion(region);
        _cluster.Operators.Dispatch(region, DispatchSource.Heartbeat);
    }
}
