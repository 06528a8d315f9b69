using FluentAssertions;
using TinyKv.Scheduler.Storage;
using Xunit;
using static TinyKv.SchedulerServer.Tests.Regions;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>
/// The server syncs every write to its database, and most region heartbeats change nothing: the
/// scheduler's storage writes a region only when its metadata changed, so an unchanged heartbeat
/// costs no disk sync.
/// </summary>
public sealed class RegionStorageTests
{
    private readonly MemoryKv _kv = new();

    [Fact]
    public void Saving_a_region_unchanged_writes_it_once()
    {
        var storage = new SchedulerStorage(_kv);
        var region = Create(2, "a", "b", peers: Peer(3, 1));

        storage.SaveRegion(region);
        storage.SaveRegion(region.Clone());

        _kv.SaveCount.Should().Be(1);
        storage.LoadRegion(2).Should().Be(region);
    }

    [Fact]
    public void A_changed_epoch_peer_or_range_is_written()
    {
        var storage = new SchedulerStorage(_kv);
        storage.SaveRegion(Create(2, "a", "b", peers: Peer(3, 1)));

        storage.SaveRegion(Create(2, "a", "b", version: 2, peers: Peer(3, 1)));
        storage.SaveRegion(Create(2, "a", "b", version: 2, confVer: 2, Peer(3, 1), Peer(4, 2)));
        storage.SaveRegion(Create(2, "a", "c", version: 2, confVer: 2, Peer(3, 1), Peer(4, 2)));

        _kv.SaveCount.Should().Be(4);
        storage.LoadRegion(2).Should().Be(Create(2, "a", "c", version: 2, confVer: 2, Peer(3, 1), Peer(4, 2)));
    }

    [Fact]
    public void A_deleted_region_saved_again_is_written_again()
    {
        var storage = new SchedulerStorage(_kv);
        var region = Create(2, "a", "b", peers: Peer(3, 1));
        storage.SaveRegion(region);

        storage.DeleteRegion(2);
        storage.SaveRegion(region);

        _kv.SaveCount.Should().Be(2);
        storage.LoadRegion(2).Should().Be(region);
    }

    [Fact]
    public void Regions_loaded_at_a_restart_are_not_written_again_unchanged()
    {
        var region = Create(2, "a", "b", peers: Peer(3, 1));
        new SchedulerStorage(_kv).SaveRegion(region);
        var restarted = new SchedulerStorage(_kv);

        restarted.LoadRegions().Should().Equal(region);
        restarted.SaveRegion(region);
        restarted.SaveRegion(Create(2, "a", "b", version: 2, peers: Peer(3, 1)));

        _kv.SaveCount.Should().Be(2, "the unchanged region was known from the load; the changed one is written");
    }
}
