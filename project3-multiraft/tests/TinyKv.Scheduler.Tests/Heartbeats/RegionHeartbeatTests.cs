using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Tests.Support;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Scheduler.Tests.Heartbeats;

/// <summary>
/// Region heartbeats as the cluster records them (3C): fresh reports replace what is known,
/// stale ones (an older version or conf_ver) are refused, and the stores' counts follow.
/// Three stores, three regions of three peers each, every region first reported once.
/// </summary>
[Milestone("3C")]
public sealed class RegionHeartbeatTests
{
    private readonly Cluster _cluster = TestClusters.Create();
    private readonly List<RegionInfo> _regions = TestRegions.Regions(3, 3);

    /// <summary>Sets up the cluster of the tests: three stores, then one heartbeat per region, checked one by one.</summary>
    private void ReportEveryRegionOnce()
    {
        foreach (var store in TestRegions.Stores(3))
        {
            _cluster.PutStore(store);
        }

        for (var i = 0; i < _regions.Count; i++)
        {
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions[..(i + 1)]);
        }
    }

    [Fact]
    public void Region_not_updated_by_the_same_report_again()
    {
        ReportEveryRegionOnce();

        foreach (var region in _regions)
        {
            _cluster.ProcessRegionHeartbeat(region);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_update_with_a_higher_version_is_taken()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            _regions[i] = _regions[i].WithIncrementedVersion();
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_with_a_stale_version_is_refused()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            var origin = _regions[i];
            _regions[i] = origin.WithIncrementedVersion();
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);

            var stale = origin.WithIncrementedConfVer();
            var report = () => _cluster.ProcessRegionHeartbeat(stale);
            report.Should().Throw<StaleRegionException>("its version is older than the one already reported, whatever its conf_ver");
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_update_with_higher_version_and_conf_ver_is_taken()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            _regions[i] = _regions[i].WithIncrementedVersion().WithIncrementedConfVer();
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_with_a_stale_conf_ver_is_refused()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            var origin = _regions[i];
            _regions[i] = origin.WithIncrementedConfVer();
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);

            var report = () => _cluster.ProcessRegionHeartbeat(origin);
            report.Should().Throw<StaleRegionException>("its conf_ver is older than the one already reported");
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_adds_a_pending_peer()
    {
        ReportEveryRegionOnce();
        var random = new Random(TestSeed.Value);

        for (var i = 0; i < _regions.Count; i++)
        {
            var pending = _regions[i].Peers[random.Next(_regions[i].Peers.Count)];
            _regions[i] = _regions[i].WithPendingPeers([pending]);
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_removes_a_pending_peer()
    {
        ReportEveryRegionOnce();
        var random = new Random(TestSeed.Value);

        for (var i = 0; i < _regions.Count; i++)
        {
            var pending = _regions[i].Peers[random.Next(_regions[i].Peers.Count)];
            _regions[i] = _regions[i].WithPendingPeers([pending]);
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);

            _regions[i] = _regions[i].WithPendingPeers(null);
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }

        foreach (var storeId in new ulong[] { 1, 2, 3 })
        {
            _cluster.GetStore(storeId)!.PendingPeerCount.Should().Be(0, $"store {storeId} has no pending peer left");
        }
    }

    [Fact]
    public void Region_removes_peers()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            _regions[i] = _regions[i].WithPeers(_regions[i].Peers.Take(1));
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_adds_back_the_peers_it_removed()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            var origin = _regions[i];
            _regions[i] = origin.WithPeers(origin.Peers.Take(1));
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);

            _regions[i] = origin;
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_changes_leader()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            _regions[i] = _regions[i].WithLeader(_regions[i].Peers[1]);
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_changes_approximate_size()
    {
        ReportEveryRegionOnce();

        for (var i = 0; i < _regions.Count; i++)
        {
            _regions[i] = _regions[i].WithApproximateSize(144);
            _cluster.ProcessRegionHeartbeat(_regions[i]);
            _cluster.Core.Regions.ShouldHoldExactly(_regions);
        }
    }

    [Fact]
    public void Region_counts_per_store_follow_the_peers()
    {
        ReportEveryRegionOnce();

        var counts = _regions.SelectMany(r => r.Peers).GroupBy(p => p.StoreId);
        foreach (var store in counts)
        {
            _cluster.GetStoreRegionCount(store.Key).Should().Be(store.Count());
        }
    }

    [Fact]
    public void Region_list_holds_every_region_as_reported()
    {
        ReportEveryRegionOnce();

        foreach (var region in _cluster.GetRegions())
        {
            region.ShouldMatch(_regions[(int)region.Id]);
        }

        foreach (var meta in _cluster.GetMetaRegions())
        {
            meta.Should().Be(_regions[(int)meta.Id].Meta);
        }
    }

    [Fact]
    public void Region_stores_are_the_stores_of_its_peers()
    {
        ReportEveryRegionOnce();

        foreach (var region in _regions)
        {
            foreach (var store in _cluster.GetRegionStores(region))
            {
                region.GetStorePeer(store.Id).Should().NotBeNull();
            }

            foreach (var store in _cluster.GetFollowerStores(region))
            {
                region.GetStorePeer(store.Id)!.Id.Should().NotBe(region.Leader!.Id);
            }
        }
    }

    [Fact]
    public void Region_heartbeats_keep_every_store_s_counts_and_sizes()
    {
        ReportEveryRegionOnce();

        var regions = _cluster.Core.Regions;
        foreach (var store in _cluster.GetStores())
        {
            store.LeaderCount.Should().Be(regions.GetStoreLeaderCount(store.Id));
            store.RegionCount.Should().Be(regions.GetStoreRegionCount(store.Id));
            store.LeaderSize.Should().Be(regions.GetStoreLeaderRegionSize(store.Id));
            store.RegionSize.Should().Be(regions.GetStoreRegionSize(store.Id));
        }
    }

    [Fact]
    public void Heartbeats_of_a_split_land_in_either_order()
    {
        // 1: [nil, nil)
        var region1 = new RegionInfo(new Region { Id = 1, RegionEpoch = new RegionEpoch { Version = 1, ConfVer = 1 } }, leader: null);
        _cluster.ProcessRegionHeartbeat(region1);
        _cluster.GetRegionByKey("foo"u8).ShouldMatch(region1);

        // Split 1 into 2: [nil, m) and 1: [m, nil); 2 reports first.
        region1 = region1.WithStartKey(Key("m")).WithIncrementedVersion();
        var region2 = new RegionInfo(new Region { Id = 2, EndKey = Key("m"), RegionEpoch = new RegionEpoch { Version = 1, ConfVer = 1 } }, leader: null);
        _cluster.ProcessRegionHeartbeat(region2);
        _cluster.GetRegionByKey("a"u8).ShouldMatch(region2);
        _cluster.GetRegionByKey("z"u8).Should().BeNull("[m, nil) is unknown until region 1 reports its new range");

        _cluster.ProcessRegionHeartbeat(region1);
        _cluster.GetRegionByKey("z"u8).ShouldMatch(region1);

        // Split 1 into 3: [m, q) and 1: [q, nil); 1 reports first.
        region1 = region1.WithStartKey(Key("q")).WithIncrementedVersion();
        var region3 = new RegionInfo(new Region { Id = 3, StartKey = Key("m"), EndKey = Key("q"), RegionEpoch = new RegionEpoch { Version = 1, ConfVer = 1 } }, leader: null);
        _cluster.ProcessRegionHeartbeat(region1);
        _cluster.GetRegionByKey("z"u8).ShouldMatch(region1);
        _cluster.GetRegionByKey("a"u8).ShouldMatch(region2);
        _cluster.GetRegionByKey("n"u8).Should().BeNull("[m, q) is unknown until region 3 reports");
        _cluster.ProcessRegionHeartbeat(region3);
        _cluster.GetRegionByKey("n"u8).ShouldMatch(region3);
    }

    [Fact]
    public void Region_split_and_merge_reports_keep_the_range_tree_exact()
    {
        List<RegionInfo> regions = [TestRegions.Range([], [])];

        // A key byte underflows or overflows past seven rounds.
        const int Rounds = 7;
        for (var i = 0; i < Rounds; i++)
        {
            regions = TestRegions.Split(regions);
            ReportAndCheck(regions);
        }

        for (var i = 0; i < Rounds; i++)
        {
            regions = TestRegions.Merge(regions);
            ReportAndCheck(regions);
        }

        // Split twice, merge once.
        for (var i = 0; i < Rounds * 2; i++)
        {
            regions = (i + 1) % 3 == 0 ? TestRegions.Merge(regions) : TestRegions.Split(regions);
            ReportAndCheck(regions);
        }
    }

    /// <summary>Reports every region, checking each as it lands, then checks them all again (by id and by key).</summary>
    private void ReportAndCheck(List<RegionInfo> regions)
    {
        foreach (var region in regions)
        {
            _cluster.ProcessRegionHeartbeat(region);
            CheckFound(region);
        }

        foreach (var region in regions)
        {
            CheckFound(region);
            if (!region.EndKey.IsEmpty)
            {
                var end = region.EndKey[0];
                _cluster.GetRegionByKey([(byte)(end + 1)])?.Id.Should().NotBe(region.Id, "a key past the end belongs to another region");
            }
        }
    }

    private void CheckFound(RegionInfo region)
    {
        _cluster.GetRegion(region.Id).ShouldMatch(region);
        _cluster.GetRegionByKey(region.StartKey.Span).ShouldMatch(region);
        if (!region.EndKey.IsEmpty)
        {
            _cluster.GetRegionByKey([(byte)(region.EndKey[0] - 1)]).ShouldMatch(region);
        }
    }

    private static ByteString Key(string text) => ByteString.CopyFromUtf8(text);
}
