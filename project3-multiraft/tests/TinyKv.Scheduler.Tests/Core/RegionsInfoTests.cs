using FluentAssertions;
using Google.Protobuf;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Tests.Support;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Scheduler.Tests.Core;

/// <summary>The regions index: by id, by key, per store and role (given code).</summary>
public sealed class RegionsInfoTests
{
    [Fact]
    public void Regions_are_found_by_id_key_and_store_role_as_they_come_and_go()
    {
        const int N = 10;
        const int PeersPerRegion = 3;
        var info = new RegionsInfo();
        var regions = TestRegions.Regions(N, PeersPerRegion);

        for (var i = 0; i < N; i++)
        {
            var region = regions[i];
            var key = new[] { (byte)i };
            info.GetRegion((ulong)i).Should().BeNull();
            info.SearchRegion(key).Should().BeNull();
            info.ShouldHoldExactly(regions[..i]);

            info.SetRegion(region);
            info.GetRegion((ulong)i).ShouldMatch(region);
            info.SearchRegion(key).ShouldMatch(region);
            info.ShouldHoldExactly(regions[..(i + 1)]);
            if (i == 0)
            {
                info.SearchPreviousRegion(key).Should().BeNull();
            }
            else
            {
                info.SearchPreviousRegion(key).ShouldMatch(regions[i - 1]);
            }

            // The last peer takes over leadership.
            regions[i] = region.WithLeader(region.Peers[PeersPerRegion - 1]);
            info.SetRegion(regions[i]);
            info.GetRegion((ulong)i).ShouldMatch(regions[i]);
            info.ShouldHoldExactly(regions[..(i + 1)]);

            info.RemoveRegion(regions[i]);
            info.GetRegion((ulong)i).Should().BeNull();
            info.SearchRegion(key).Should().BeNull();
            info.ShouldHoldExactly(regions[..i]);

            // Back, led by the first peer again.
            regions[i] = region.WithLeader(region.Peers[0]);
            info.SetRegion(regions[i]);
            info.ShouldHoldExactly(regions[..(i + 1)]);
        }

        var random = new Random(TestSeed.Value);
        for (var store = 0UL; store < N; store++)
        {
            info.RandomLeaderRegion(store, random)!.Leader!.StoreId.Should().Be(store);
            var follower = info.RandomFollowerRegion(store, random)!;
            follower.Leader!.StoreId.Should().NotBe(store);
            follower.GetStorePeer(store).Should().NotBeNull();
        }

        // A region stretched over its neighbour's range pushes the neighbour out.
        info.SetRegion(regions[N - 1].WithStartKey(regions[N - 2].StartKey));
        info.GetRegion(N - 2).Should().BeNull();
        info.GetRegion(N - 1).Should().NotBeNull();
    }

    [Fact]
    public void Store_sizes_sum_the_regions_a_store_leads_and_follows()
    {
        var info = new RegionsInfo();
        foreach (var region in TestRegions.Regions(3, 3))
        {
            info.SetRegion(region.WithApproximateSize(10 + (long)region.Id));
        }

        // Every store holds all three regions (sizes 10, 11, 12) and leads the one whose first peer it has.
        info.GetStoreRegionSize(0).Should().Be(33);
        info.GetStoreLeaderRegionSize(0).Should().Be(10);
        info.GetStoreLeaderRegionSize(1).Should().Be(11);
        info.GetAverageRegionSize().Should().Be(11);
    }

    [Fact]
    public void Pending_peers_are_counted_per_store_and_dropped_with_the_region()
    {
        var info = new RegionsInfo();
        var region = TestRegions.Regions(1, 1)[0];
        var pending = region.WithPendingPeers(region.Peers);

        info.SetRegion(pending);
        info.GetStorePendingPeerCount(0).Should().Be(1);
        info.RandomPendingRegion(0, new Random(TestSeed.Value))!.Id.Should().Be(region.Id);

        info.SetRegion(region);
        info.GetStorePendingPeerCount(0).Should().Be(0, "the new report has no pending peer");
    }

    [Fact]
    public void Scan_range_returns_regions_in_key_order()
    {
        var info = new RegionsInfo();
        foreach (var region in TestRegions.Regions(5, 1).AsEnumerable().Reverse())
        {
            info.SetRegion(region);
        }

        info.ScanRange(ByteString.CopyFrom(1), ByteString.CopyFrom(4), 0).Select(r => r.Id).Should().Equal(1UL, 2UL, 3UL);
    }
}
