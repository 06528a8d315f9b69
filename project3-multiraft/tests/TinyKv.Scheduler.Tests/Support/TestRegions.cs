using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Tests.Support;

/// <summary>The regions and stores the cluster tests build, and the checks they make against the cluster's view.</summary>
internal static class TestRegions
{
    /// <summary>Stores 1..<paramref name="n"/>, without addresses.</summary>
    public static List<Store> Stores(int n) => [.. Enumerable.Range(1, n).Select(i => new Store { Id = (ulong)i })];

    /// <summary>
    /// Regions 0..n-1, region i covering [i, i+1) with <paramref name="peersPerRegion"/> peers
    /// (ids i·np + j) on stores (i + j) mod n, the first peer leading, epoch (conf_ver 2, version 2).
    /// </summary>
    public static List<RegionInfo> Regions(int n, int peersPerRegion)
    {
        var regions = new List<RegionInfo>();
        for (var i = 0; i < n; i++)
        {
            var meta = new Region
            {
                Id = (ulong)i,
                StartKey = ByteString.CopyFrom((byte)i),
                EndKey = ByteString.CopyFrom((byte)(i + 1)),
                RegionEpoch = new RegionEpoch { ConfVer = 2, Version = 2 },
            };
            for (var j = 0; j < peersPerRegion; j++)
            {
                meta.Peers.Add(new Peer { Id = (ulong)((i * peersPerRegion) + j), StoreId = (ulong)((i + j) % n) });
            }

            regions.Add(new RegionInfo(meta, meta.Peers[0].Clone()));
        }

        return regions;
    }

    /// <summary>A region over [<paramref name="start"/>, <paramref name="end"/>) with id 0, no peers and epoch (0, 0).</summary>
    public static RegionInfo Range(byte[] start, byte[] end) =>
        new(new Region { StartKey = ByteString.CopyFrom(start), EndKey = ByteString.CopyFrom(end), RegionEpoch = new RegionEpoch() }, leader: null);

    /// <summary>Splits every region at the middle of its first key byte; the halves get new ids and a version one higher.</summary>
    public static List<RegionInfo> Split(List<RegionInfo> regions)
    {
        var result = new List<RegionInfo>();
        foreach (var region in regions)
        {
            var start = region.StartKey.IsEmpty ? (byte)0 : region.StartKey[0];
            var end = region.EndKey.IsEmpty ? byte.MaxValue : region.EndKey[0];
            var middle = ByteString.CopyFrom((byte)((start / 2) + (end / 2)));
            result.Add(region.WithMeta(m =>
            {
                m.Id = region.Id + (ulong)regions.Count;
                m.EndKey = middle;
                m.RegionEpoch.Version++;
            }));
            result.Add(region.WithMeta(m =>
            {
                m.Id = region.Id + (ulong)(regions.Count * 2);
                m.StartKey = middle;
                m.RegionEpoch.Version++;
            }));
        }

        return result;
    }

    /// <summary>Merges neighbours pairwise (a last odd one with itself); the result has a new id and the larger version plus one.</summary>
    public static List<RegionInfo> Merge(List<RegionInfo> regions)
    {
        var result = new List<RegionInfo>();
        for (var i = 0; i < regions.Count; i += 2)
        {
            var left = regions[i];
            var right = i + 1 < regions.Count ? regions[i + 1] : left;
            var epoch = (left.Epoch.Version > right.Epoch.Version ? left.Epoch : right.Epoch).Clone();
            epoch.Version++;
            result.Add(new RegionInfo(
                new Region { Id = left.Id + (ulong)regions.Count, StartKey = left.StartKey, EndKey = right.EndKey, RegionEpoch = epoch },
                leader: null));
        }

        return result;
    }

    /// <summary>Asserts the cluster holds <paramref name="expected"/> as it is: metadata, leader, peers, pending peers, size.</summary>
    public static void ShouldMatch(this RegionInfo? actual, RegionInfo expected)
    {
        actual.Should().NotBeNull($"the cluster should hold {expected}");
        actual!.Meta.Should().Be(expected.Meta);
        actual.Leader.Should().Be(expected.Leader);
        actual.Peers.Should().Equal(expected.Peers);
        actual.PendingPeers.Should().Equal(expected.PendingPeers);
        actual.ApproximateSize.Should().Be(expected.ApproximateSize);
    }

    /// <summary>
    /// Asserts <paramref name="info"/> holds exactly <paramref name="regions"/> (ids 0..n-1):
    /// each found as led or followed by the right stores, and every store's region, leader and
    /// follower counts as the regions say.
    /// </summary>
    public static void ShouldHoldExactly(this RegionsInfo info, IReadOnlyList<RegionInfo> regions)
    {
        var regionCount = new Dictionary<ulong, int>();
        var leaderCount = new Dictionary<ulong, int>();
        var followerCount = new Dictionary<ulong, int>();
        foreach (var region in regions)
        {
            foreach (var peer in region.Peers)
            {
                regionCount[peer.StoreId] = regionCount.GetValueOrDefault(peer.StoreId) + 1;
                if (region.IsLeader(peer))
                {
                    leaderCount[peer.StoreId] = leaderCount.GetValueOrDefault(peer.StoreId) + 1;
                    info.GetLeader(peer.StoreId, region.Id).ShouldMatch(region);
                }
                else
                {
                    followerCount[peer.StoreId] = followerCount.GetValueOrDefault(peer.StoreId) + 1;
                    info.GetFollower(peer.StoreId, region.Id).ShouldMatch(region);
                }
            }
        }

        info.Count.Should().Be(regions.Count);
        foreach (var (store, count) in regionCount)
        {
            info.GetStoreRegionCount(store).Should().Be(count, $"store {store} holds that many regions");
        }

        foreach (var (store, count) in leaderCount)
        {
            info.GetStoreLeaderCount(store).Should().Be(count, $"store {store} leads that many regions");
        }

        foreach (var (store, count) in followerCount)
        {
            info.GetStoreFollowerCount(store).Should().Be(count, $"store {store} follows in that many regions");
        }

        var byId = regions.ToDictionary(r => r.Id);
        foreach (var region in info.GetRegions())
        {
            region.ShouldMatch(byId[region.Id]);
        }
    }
}
