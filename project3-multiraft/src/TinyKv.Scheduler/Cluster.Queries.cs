using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler;

// What clients, the server and the schedulers ask of the cluster.
public sealed partial class Cluster
{
    /// <inheritdoc />
    public RegionInfo? GetRegion(ulong regionId) => Core.Regions.GetRegion(regionId);

    /// <summary>The region holding <paramref name="key"/>, or null.</summary>
    public RegionInfo? GetRegionByKey(ReadOnlySpan<byte> key) => Core.Regions.SearchRegion(key);

    /// <summary>The region right before the one holding <paramref name="key"/>, or null.</summary>
    public RegionInfo? GetPreviousRegion(ReadOnlySpan<byte> key) => Core.Regions.SearchPreviousRegion(key);

    /// <summary>Regions from the one holding <paramref name="startKey"/> on, before <paramref name="endKey"/> (empty: no end), at most <paramref name="limit"/> (0: no limit).</summary>
    public IReadOnlyList<RegionInfo> ScanRegions(ByteString startKey, ByteString endKey, int limit) =>
        Core.Regions.ScanRange(startKey, endKey, limit);

    /// <summary>Every region, in key order.</summary>
    public IReadOnlyList<RegionInfo> GetRegions() => Core.Regions.GetRegions();

    /// <summary>The metadata of every region, in key order.</summary>
    public IReadOnlyList<Region> GetMetaRegions() => [.. Core.Regions.GetRegions().Select(r => r.Meta)];

    /// <summary>How many regions are known.</summary>
    public int RegionCount => Core.Regions.Count;

    /// <inheritdoc />
    public IReadOnlyList<StoreInfo> GetStores() => Core.Stores.GetStores();

    /// <summary>The metadata of every store, by id.</summary>
    public IReadOnlyList<Store> GetMetaStores() => [.. Core.Stores.GetStores().Select(s => s.Meta)];

    /// <inheritdoc />
    public StoreInfo? GetStore(ulong storeId) => Core.Stores.GetStore(storeId);

    /// <summary>How many regions store <paramref name="storeId"/> holds a peer of.</summary>
    public int GetStoreRegionCount(ulong storeId) => Core.Regions.GetStoreRegionCount(storeId);

    /// <inheritdoc />
    public IReadOnlyList<StoreInfo> GetRegionStores(RegionInfo region) => Core.GetRegionStores(region);

    /// <inheritdoc />
    public IReadOnlyList<StoreInfo> GetFollowerStores(RegionInfo region) => Core.GetFollowerStores(region);

    /// <inheritdoc />
    public RegionInfo? RandomLeaderRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        Core.Regions.RandomLeaderRegion(storeId, random, accept);

    /// <inheritdoc />
    public RegionInfo? RandomFollowerRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        Core.Regions.RandomFollowerRegion(storeId, random, accept);

    /// <inheritdoc />
    public RegionInfo? RandomPendingRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        Core.Regions.RandomPendingRegion(storeId, random, accept);

    /// <inheritdoc />
    public Peer AllocPeer(ulong storeId) => new() { Id = _ids.Alloc(), StoreId = storeId };

    /// <summary>
    /// Puts <paramref name="region"/> in without the staleness check and without saving it: for
    /// loading regions back from storage at start, and for tests that set a scene.
    /// </summary>
    public void PutRegion(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var origin = Core.Regions.GetRegion(region.Id);
        var overlaps = Core.Regions.SetRegion(region);
        foreach (var storeId in overlaps.Append(origin).Append(region).OfType<RegionInfo>().SelectMany(r => r.StoreIds).Distinct().Order())
        {
            Core.UpdateStoreStatus(storeId);
        }
    }

    /// <summary>Loads the stores and regions saved in storage (regions without a leader until their heartbeats come).</summary>
    public void LoadFromStorage()
    {
        if (_storage is null)
        {
            return;
        }

        foreach (var store in _storage.LoadStores())
        {
            Core.Stores.SetStore(new StoreInfo(store));
        }

        foreach (var region in _storage.LoadRegions())
        {
            PutRegion(new RegionInfo(region, leader: null));
        }
    }
}
