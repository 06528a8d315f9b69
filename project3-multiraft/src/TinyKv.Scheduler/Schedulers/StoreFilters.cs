using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Schedulers;

/// <summary>Which stores may give or take a leader or a region, as the schedulers and checkers agree.</summary>
public static class StoreFilters
{
    /// <summary>True if a store is neither a tombstone nor down longer than the options allow.</summary>
    public static bool IsAlive(StoreInfo store, IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cluster);
        return !store.IsTombstone && store.DownTime(cluster.Now) <= cluster.Options.MaxStoreDownTime;
    }

    /// <summary>True if a store may hand its leaders away: alive, heard from recently, not blocked.</summary>
    public static bool CanGiveLeader(StoreInfo store, IClusterView cluster) =>
        IsAlive(store, cluster) && !store.IsDisconnected(cluster.Now) && !store.IsBlocked;

    /// <summary>True if a store may take a leader: alive, up, heard from recently, not blocked, not busy.</summary>
    public static bool CanTakeLeader(StoreInfo store, IClusterView cluster) =>
        CanGiveLeader(store, cluster) && store.IsUp && !store.IsBusy;

    /// <summary>
    /// True if a store may receive a new peer: up, not down, not busy, not blocked, and not
    /// already behind on pending peers or snapshots.
    /// </summary>
    public static bool CanTakeRegion(StoreInfo store, IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cluster);
        return store.IsUp
            && IsAlive(store, cluster)
            && !store.IsBusy
            && !store.IsBlocked
            && store.PendingPeerCount <= cluster.Options.MaxPendingPeerCount
            && store.SnapshotCount <= cluster.Options.MaxSnapshotCount;
    }
}
