namespace TinyKv.Scheduler.Core;

/// <summary>
/// Stores and regions together, and the questions that need both: which stores hold a region,
/// which of them follow, and a store's counts recomputed from the regions it holds.
/// </summary>
/// <remarks>Not thread-safe; its owner drives it from one loop.</remarks>
public sealed class BasicCluster
{
    /// <summary>The known stores.</summary>
    public StoresInfo Stores { get; } = new();

    /// <summary>The known regions.</summary>
    public RegionsInfo Regions { get; } = new();

    /// <summary>The stores holding a peer of <paramref name="region"/>, by id (unknown stores left out).</summary>
    public IReadOnlyList<StoreInfo> GetRegionStores(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return [.. region.StoreIds.Select(Stores.GetStore).OfType<StoreInfo>()];
    }

    /// <summary>The stores holding a follower of <paramref name="region"/>, by id (unknown stores left out).</summary>
    public IReadOnlyList<StoreInfo> GetFollowerStores(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return [.. region.Followers.Select(p => p.StoreId).Distinct().Order().Select(Stores.GetStore).OfType<StoreInfo>()];
    }

    /// <summary>The store of <paramref name="region"/>'s leader, or null.</summary>
    public StoreInfo? GetLeaderStore(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region.Leader is null ? null : Stores.GetStore(region.Leader.StoreId);
    }

    /// <summary>Recomputes store <paramref name="storeId"/>'s leader, region and pending counts and sizes from the regions.</summary>
    public void UpdateStoreStatus(ulong storeId) =>
        Stores.UpdateStoreStatus(
            storeId,
            Regions.GetStoreLeaderCount(storeId),
            Regions.GetStoreRegionCount(storeId),
            Regions.GetStorePendingPeerCount(storeId),
            Regions.GetStoreLeaderRegionSize(storeId),
            Regions.GetStoreRegionSize(storeId));
}
