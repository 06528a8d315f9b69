using Microsoft.Extensions.Logging;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler;

// Stores: joining, heartbeats, going offline and becoming tombstones.
public sealed partial class Cluster
{
    /// <summary>
    /// Adds a store or updates its address. A tombstone stays a tombstone; another live store
    /// may not use the same address.
    /// </summary>
    /// <exception cref="ArgumentException">The store has id 0.</exception>
    /// <exception cref="SchedulerException">The store is a tombstone, or its address belongs to another store.</exception>
    public void PutStore(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Id == 0)
        {
            throw new ArgumentException("a store needs a non-zero id", nameof(store));
        }

        foreach (var other in Core.Stores.GetStores())
        {
            if (store.Address.Length > 0 && other.Id != store.Id && !other.IsTombstone && other.Address == store.Address)
            {
                throw new SchedulerException($"store {store.Id} wants address {store.Address}, which store {other.Id} uses");
            }
        }

        StoreInfo updated;
        if (Core.Stores.GetStore(store.Id) is { } existing)
        {
            if (existing.IsTombstone)
            {
                throw new SchedulerException($"store {store.Id} is a tombstone and cannot come back");
            }

            var meta = existing.Meta.Clone();
            meta.Address = store.Address;
            updated = existing with { Meta = meta };
        }
        else
        {
            updated = new StoreInfo(store.Clone());
        }

        SaveAndSetStore(updated);
    }

    /// <summary>Records a store heartbeat: its statistics, and that it is alive now.</summary>
    /// <exception cref="StoreNotFoundException">The store never joined.</exception>
    public void HandleStoreHeartbeat(StoreStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var store = Core.Stores.GetStore(stats.StoreId) ?? throw new StoreNotFoundException(stats.StoreId);
        Core.Stores.SetStore(store with { Stats = stats.Clone(), LastHeartbeat = Now });
    }

    /// <summary>Marks a store offline: its regions will move away, then it becomes a tombstone.</summary>
    /// <exception cref="StoreNotFoundException">No such store.</exception>
    /// <exception cref="SchedulerException">The store is already a tombstone.</exception>
    public void RemoveStore(ulong storeId)
    {
        var store = Core.Stores.GetStore(storeId) ?? throw new StoreNotFoundException(storeId);
        if (store.IsOffline)
        {
            return;
        }

        if (store.IsTombstone)
        {
            throw new SchedulerException($"store {storeId} is already a tombstone");
        }

        LogStoreOffline(storeId);
        SaveAndSetStore(store.WithState(StoreState.Offline));
    }

    /// <summary>Makes a store a tombstone. An up store only with <paramref name="force"/>.</summary>
    /// <exception cref="StoreNotFoundException">No such store.</exception>
    /// <exception cref="SchedulerException">The store is up and <paramref name="force"/> is false.</exception>
    public void BuryStore(ulong storeId, bool force = false)
    {
        var store = Core.Stores.GetStore(storeId) ?? throw new StoreNotFoundException(storeId);
        if (store.IsTombstone)
        {
            return;
        }

        if (store.IsUp && !force)
        {
            throw new SchedulerException($"store {storeId} is still up; remove it (make it offline) first");
        }

        LogStoreTombstone(storeId);
        SaveAndSetStore(store.WithState(StoreState.Tombstone));
    }

    /// <summary>Turns offline stores that no longer hold any region into tombstones.</summary>
    public void CheckStores()
    {
        foreach (var store in Core.Stores.GetStores())
        {
            if (store.IsOffline && Core.Regions.GetStoreRegionCount(store.Id) == 0)
            {
                BuryStore(store.Id);
            }
        }
    }

    private void SaveAndSetStore(StoreInfo store)
    {
        _storage?.SaveStore(store.Meta);
        Core.Stores.SetStore(store);
        Core.UpdateStoreStatus(store.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "store {StoreId} is offline")]
    private partial void LogStoreOffline(ulong storeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "store {StoreId} is a tombstone")]
    private partial void LogStoreTombstone(ulong storeId);
}
