namespace TinyKv.Scheduler.Core;

/// <summary>The stores the scheduler knows, by id.</summary>
/// <remarks>Not thread-safe; the cluster owns it.</remarks>
public sealed class StoresInfo
{
    private readonly SortedDictionary<ulong, StoreInfo> _stores = [];

    /// <summary>How many stores are known (tombstones included).</summary>
    public int Count => _stores.Count;

    /// <summary>The store with id <paramref name="storeId"/>, or null.</summary>
    public StoreInfo? GetStore(ulong storeId) => _stores.GetValueOrDefault(storeId);

    /// <summary>Every store, by ascending id.</summary>
    public IReadOnlyList<StoreInfo> GetStores() => [.. _stores.Values];

    /// <summary>Adds or replaces the store with <paramref name="store"/>'s id.</summary>
    public void SetStore(StoreInfo store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _stores[store.Id] = store;
    }

    /// <summary>Forgets the store with id <paramref name="storeId"/>.</summary>
    public bool RemoveStore(ulong storeId) => _stores.Remove(storeId);

    /// <summary>Stops new regions from going to the store while an operator drains it.</summary>
    /// <exception cref="StoreNotFoundException">No such store.</exception>
    /// <exception cref="InvalidOperationException">The store is already blocked.</exception>
    public void BlockStore(ulong storeId)
    {
        var store = GetStore(storeId) ?? throw new StoreNotFoundException(storeId);
        if (store.IsBlocked)
        {
            throw new InvalidOperationException($"store {storeId} is already blocked");
        }

        _stores[storeId] = store with { IsBlocked = true };
    }

    /// <summary>Lets new regions go to the store again.</summary>
    public void UnblockStore(ulong storeId)
    {
        if (GetStore(storeId) is { } store)
        {
            _stores[storeId] = store with { IsBlocked = false };
        }
    }

    /// <summary>Records the counts and sizes derived from region heartbeats; an unknown store is ignored.</summary>
    public void UpdateStoreStatus(ulong storeId, int leaderCount, int regionCount, int pendingPeerCount, long leaderSize, long regionSize)
    {
        if (GetStore(storeId) is { } store)
        {
            _stores[storeId] = store with
            {
                LeaderCount = leaderCount,
                RegionCount = regionCount,
                PendingPeerCount = pendingPeerCount,
                LeaderSize = leaderSize,
                RegionSize = regionSize,
            };
        }
    }
}
