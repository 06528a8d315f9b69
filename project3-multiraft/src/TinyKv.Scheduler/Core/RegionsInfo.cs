using Google.Protobuf;

namespace TinyKv.Scheduler.Core;

/// <summary>
/// Every region the scheduler knows: the range tree by start key, an index by id, and per store
/// the regions it leads, follows, and has a pending peer in, with their counts and sizes. Putting
/// a region replaces the one with the same id and drops the regions its range overlaps.
/// </summary>
/// <remarks>Not thread-safe; the cluster owns it and is driven from one loop.</remarks>
public sealed class RegionsInfo
{
    private readonly RegionTree _tree = new();
    private readonly Dictionary<ulong, RegionInfo> _byId = [];
    private readonly Dictionary<ulong, RegionSubset> _leaders = [];
    private readonly Dictionary<ulong, RegionSubset> _followers = [];
    private readonly Dictionary<ulong, RegionSubset> _pending = [];

    /// <summary>How many regions are known.</summary>
    public int Count => _byId.Count;

    /// <summary>The range tree (read it, do not change it).</summary>
    public RegionTree Tree => _tree;

    /// <summary>The region with id <paramref name="regionId"/>, or null.</summary>
    public RegionInfo? GetRegion(ulong regionId) => _byId.GetValueOrDefault(regionId);

    /// <summary>Every region, in key order.</summary>
    public IReadOnlyList<RegionInfo> GetRegions() => [.. _tree.Regions];

    /// <summary>The region holding <paramref name="key"/>, or null.</summary>
    public RegionInfo? SearchRegion(ReadOnlySpan<byte> key) => _tree.Search(key);

    /// <summary>The region right before the one holding <paramref name="key"/>, or null; see <see cref="RegionTree.SearchPrevious"/>.</summary>
    public RegionInfo? SearchPreviousRegion(ReadOnlySpan<byte> key) => _tree.SearchPrevious(key);

    /// <summary>Regions from <paramref name="startKey"/> on; see <see cref="RegionTree.ScanRange"/>.</summary>
    public IReadOnlyList<RegionInfo> ScanRange(ByteString startKey, ByteString endKey, int limit) =>
        _tree.ScanRange(startKey.Span, endKey.Span, limit);

    /// <summary>The regions <paramref name="region"/>'s range overlaps, in key order.</summary>
    public IReadOnlyList<RegionInfo> GetOverlaps(RegionInfo region) => _tree.GetOverlaps(region);

    /// <summary>
    /// Puts <paramref name="region"/> in place of the region with its id, removing every region
    /// its range overlaps.
    /// </summary>
    /// <returns>The regions removed because they overlap (not the one replaced by id).</returns>
    public IReadOnlyList<RegionInfo> SetRegion(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (_byId.TryGetValue(region.Id, out var origin))
        {
            RemoveRegion(origin);
        }

        var overlaps = _tree.Update(region);
        foreach (var overlap in overlaps)
        {
            RemoveRegion(_byId[overlap.Id]);
        }

        _byId[region.Id] = region;
        foreach (var peer in region.Peers)
        {
            var roles = region.IsLeader(peer) ? _leaders : _followers;
            SubsetOf(roles, peer.StoreId).Put(region);
        }

        foreach (var peer in region.PendingPeers)
        {
            SubsetOf(_pending, peer.StoreId).Put(region);
        }

        return overlaps;
    }

    /// <summary>Forgets <paramref name="region"/>: the tree entry (if still its own), the id index and every per-store role.</summary>
    public void RemoveRegion(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        _tree.Remove(region);
        _byId.Remove(region.Id);
        foreach (var peer in region.Peers.Concat(region.PendingPeers))
        {
            _leaders.GetValueOrDefault(peer.StoreId)?.Remove(region.Id);
            _followers.GetValueOrDefault(peer.StoreId)?.Remove(region.Id);
            _pending.GetValueOrDefault(peer.StoreId)?.Remove(region.Id);
        }
    }

    /// <summary>The region with <paramref name="regionId"/> if store <paramref name="storeId"/> leads it, else null.</summary>
    public RegionInfo? GetLeader(ulong storeId, ulong regionId) => _leaders.GetValueOrDefault(storeId)?.Get(regionId);

    /// <summary>The region with <paramref name="regionId"/> if store <paramref name="storeId"/> follows in it, else null.</summary>
    public RegionInfo? GetFollower(ulong storeId, ulong regionId) => _followers.GetValueOrDefault(storeId)?.Get(regionId);

    /// <summary>How many regions store <paramref name="storeId"/> holds a peer of.</summary>
    public int GetStoreRegionCount(ulong storeId) => GetStoreLeaderCount(storeId) + GetStoreFollowerCount(storeId);

    /// <summary>How many regions store <paramref name="storeId"/> leads.</summary>
    public int GetStoreLeaderCount(ulong storeId) => _leaders.GetValueOrDefault(storeId)?.Count ?? 0;

    /// <summary>How many regions store <paramref name="storeId"/> follows in.</summary>
    public int GetStoreFollowerCount(ulong storeId) => _followers.GetValueOrDefault(storeId)?.Count ?? 0;

    /// <summary>How many regions have a pending peer on store <paramref name="storeId"/>.</summary>
    public int GetStorePendingPeerCount(ulong storeId) => _pending.GetValueOrDefault(storeId)?.Count ?? 0;

    /// <summary>The total size (MiB) of the regions store <paramref name="storeId"/> leads.</summary>
    public long GetStoreLeaderRegionSize(ulong storeId) => _leaders.GetValueOrDefault(storeId)?.TotalSize ?? 0;

    /// <summary>The total size (MiB) of the regions store <paramref name="storeId"/> holds a peer of.</summary>
    public long GetStoreRegionSize(ulong storeId) =>
        GetStoreLeaderRegionSize(storeId) + (_followers.GetValueOrDefault(storeId)?.TotalSize ?? 0);

    /// <summary>The regions store <paramref name="storeId"/> holds a peer of, by id.</summary>
    public IReadOnlyList<RegionInfo> GetStoreRegions(ulong storeId) =>
        [.. (_leaders.GetValueOrDefault(storeId)?.Regions ?? [])
            .Concat(_followers.GetValueOrDefault(storeId)?.Regions ?? [])
            .OrderBy(r => r.Id)];

    /// <summary>A random region store <paramref name="storeId"/> leads that <paramref name="accept"/> takes, or null.</summary>
    public RegionInfo? RandomLeaderRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        _leaders.GetValueOrDefault(storeId)?.Random(random, accept);

    /// <summary>A random region store <paramref name="storeId"/> follows in that <paramref name="accept"/> takes, or null.</summary>
    public RegionInfo? RandomFollowerRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        _followers.GetValueOrDefault(storeId)?.Random(random, accept);

    /// <summary>A random region with a pending peer on store <paramref name="storeId"/> that <paramref name="accept"/> takes, or null.</summary>
    public RegionInfo? RandomPendingRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        _pending.GetValueOrDefault(storeId)?.Random(random, accept);

    /// <summary>The average approximate size of a region (MiB), 0 with no regions.</summary>
    public long GetAverageRegionSize() => _byId.Count == 0 ? 0 : _byId.Values.Sum(r => r.ApproximateSize) / _byId.Count;

    private static RegionSubset SubsetOf(Dictionary<ulong, RegionSubset> roles, ulong storeId)
    {
        if (!roles.TryGetValue(storeId, out var subset))
        {
            subset = new RegionSubset();
            roles[storeId] = subset;
        }

        return subset;
    }
}
