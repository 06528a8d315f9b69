using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler;

/// <summary>
/// What a scheduler or checker may see and ask of the cluster while it decides: stores,
/// regions, random regions of a store in a role, a new peer id, the options and the time.
/// The real <see cref="Cluster"/> implements it, and so does the tests' mock cluster.
/// </summary>
/// <remarks>Called on the scheduler's loop only; answers are snapshots that never change under the caller.</remarks>
public interface IClusterView
{
    /// <summary>The scheduling options in force.</summary>
    ScheduleOptions Options { get; }

    /// <summary>The current time on the scheduler's clock, in microseconds.</summary>
    long Now { get; }

    /// <summary>Every store, by ascending id.</summary>
    IReadOnlyList<StoreInfo> GetStores();

    /// <summary>The store with id <paramref name="storeId"/>, or null.</summary>
    StoreInfo? GetStore(ulong storeId);

    /// <summary>The region with id <paramref name="regionId"/>, or null.</summary>
    RegionInfo? GetRegion(ulong regionId);

    /// <summary>The stores holding a peer of <paramref name="region"/>, by id.</summary>
    IReadOnlyList<StoreInfo> GetRegionStores(RegionInfo region);

    /// <summary>The stores holding a follower of <paramref name="region"/>, by id.</summary>
    IReadOnlyList<StoreInfo> GetFollowerStores(RegionInfo region);

    /// <summary>A random region led by store <paramref name="storeId"/> that <paramref name="accept"/> takes (any when null), or null.</summary>
    RegionInfo? RandomLeaderRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null);

    /// <summary>A random region store <paramref name="storeId"/> follows in that <paramref name="accept"/> takes, or null.</summary>
    RegionInfo? RandomFollowerRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null);

    /// <summary>A random region with a pending peer on store <paramref name="storeId"/> that <paramref name="accept"/> takes, or null.</summary>
    RegionInfo? RandomPendingRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null);

    /// <summary>A new peer, with a fresh id, for store <paramref name="storeId"/>.</summary>
    Peer AllocPeer(ulong storeId);
}
