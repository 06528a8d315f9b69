using FluentAssertions;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Storage;
using TinyKv.Scheduler.Tests.Support;
using Xunit;

namespace TinyKv.Scheduler.Tests.Heartbeats;

/// <summary>Stores joining, reporting and leaving (given code).</summary>
public sealed class StoreHeartbeatTests
{
    private readonly ManualLoop _loop = new();
    private readonly MemoryKv _kv = new();
    private readonly Cluster _cluster;

    public StoreHeartbeatTests() =>
        _cluster = new Cluster(_loop, new IdAllocator(new SchedulerStorage(_kv)), new ScheduleOptions(), new SchedulerStorage(_kv));

    [Fact]
    public void A_store_heartbeat_records_the_stats_and_the_time()
    {
        var stats = new StoreStats { StoreId = 1, Capacity = 100, Available = 50, RegionCount = 1 };
        var early = () => _cluster.HandleStoreHeartbeat(stats);
        early.Should().Throw<StoreNotFoundException>("a store must join before it reports");

        _cluster.PutStore(new Store { Id = 1, Address = "a" });
        _cluster.GetStore(1)!.LastHeartbeat.Should().BeNull();
        _loop.Advance(TimeSpan.FromSeconds(1));
        _cluster.HandleStoreHeartbeat(stats);

        var store = _cluster.GetStore(1)!;
        store.LastHeartbeat.Should().Be(_loop.Now);
        store.Stats.Should().Be(stats);
        new SchedulerStorage(_kv).LoadStore(1).Should().Be(store.Meta, "a joined store is saved");
    }

    [Fact]
    public void A_store_goes_offline_then_tombstone_once_drained_and_never_comes_back()
    {
        _cluster.PutStore(new Store { Id = 1, Address = "a" });
        var bury = () => _cluster.BuryStore(1);
        bury.Should().Throw<SchedulerException>("an up store is removed gracefully first");

        _cluster.RemoveStore(1);
        _cluster.GetStore(1)!.IsOffline.Should().BeTrue();
        _cluster.CheckStores();
        _cluster.GetStore(1)!.IsTombstone.Should().BeTrue("it holds no region");

        var comeBack = () => _cluster.PutStore(new Store { Id = 1, Address = "a" });
        comeBack.Should().Throw<SchedulerException>().WithMessage("*tombstone*");
    }

    [Fact]
    public void Two_live_stores_may_not_share_an_address()
    {
        _cluster.PutStore(new Store { Id = 1, Address = "a" });

        var clash = () => _cluster.PutStore(new Store { Id = 2, Address = "a" });

        clash.Should().Throw<SchedulerException>().WithMessage("*store 1*");
    }

    [Fact]
    public void A_restarted_cluster_loads_its_stores_and_regions()
    {
        _cluster.PutStore(new Store { Id = 1, Address = "a" });
        var storage = new SchedulerStorage(_kv);
        var region = TestRegions.Regions(1, 1)[0];
        storage.SaveRegion(region.Meta);

        var restarted = new Cluster(_loop, new IdAllocator(storage), new ScheduleOptions(), storage);
        restarted.LoadFromStorage();

        restarted.GetStore(1)!.Address.Should().Be("a");
        restarted.GetRegion(region.Id)!.Meta.Should().Be(region.Meta);
        restarted.GetRegion(region.Id)!.Leader.Should().BeNull("the leader is known once the region reports");
    }

    [Fact]
    public void Down_and_disconnected_are_told_apart_by_silence()
    {
        var store = new StoreInfo(new Store { Id = 1 }) { LastHeartbeat = 0 };

        store.IsDisconnected((long)TimeSpan.FromSeconds(10).TotalMicroseconds).Should().BeFalse();
        store.IsDisconnected((long)TimeSpan.FromSeconds(30).TotalMicroseconds).Should().BeTrue();
        store.DownTime((long)TimeSpan.FromSeconds(30).TotalMicroseconds).Should().Be(TimeSpan.FromSeconds(30));
        new StoreInfo(new Store { Id = 2 }).DownTime(0).Should().Be(TimeSpan.MaxValue, "a store never heard from is down");
    }
}
