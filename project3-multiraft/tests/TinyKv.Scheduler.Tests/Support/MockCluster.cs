using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Tests.Support;

/// <summary>
/// A cluster a test sets up store by store and region by region, for the schedulers and the
/// replica checker: store counts and sizes are set directly (not derived from the regions), a
/// region's peers get fresh ids, and the clock stands still unless the test moves it.
/// </summary>
internal sealed class MockCluster : IClusterView
{
    private const ulong Capacity = 1000UL << 20;
    private ulong _lastId;

    public BasicCluster Core { get; } = new();

    public ScheduleOptions Options { get; } = new();

    public long Now { get; set; } = 3_600_000_000;

    public IReadOnlyList<StoreInfo> GetStores() => Core.Stores.GetStores();

    public StoreInfo? GetStore(ulong storeId) => Core.Stores.GetStore(storeId);

    public RegionInfo? GetRegion(ulong regionId) => Core.Regions.GetRegion(regionId);

    public IReadOnlyList<StoreInfo> GetRegionStores(RegionInfo region) => Core.GetRegionStores(region);

    public IReadOnlyList<StoreInfo> GetFollowerStores(RegionInfo region) => Core.GetFollowerStores(region);

    public RegionInfo? RandomLeaderRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        Core.Regions.RandomLeaderRegion(storeId, random, accept);

    public RegionInfo? RandomFollowerRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        Core.Regions.RandomFollowerRegion(storeId, random, accept);

    public RegionInfo? RandomPendingRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        Core.Regions.RandomPendingRegion(storeId, random, accept);

    public Peer AllocPeer(ulong storeId) => new() { Id = ++_lastId, StoreId = storeId };

    /// <summary>An up store, heard from just now, holding <paramref name="regionCount"/> regions of 10 MiB each.</summary>
    public void AddRegionStore(ulong storeId, int regionCount) =>
        Core.Stores.SetStore(new StoreInfo(new Store { Id = storeId })
        {
            Stats = new StoreStats { Capacity = Capacity, Available = Capacity - ((ulong)regionCount * 10) },
            RegionCount = regionCount,
            RegionSize = regionCount * 10L,
            LastHeartbeat = Now,
        });

    /// <summary>An up store, heard from just now, leading <paramref name="leaderCount"/> regions (10 MiB each unless <paramref name="leaderSize"/> says otherwise).</summary>
    public void AddLeaderStore(ulong storeId, int leaderCount, long? leaderSize = null) =>
        Core.Stores.SetStore(new StoreInfo(new Store { Id = storeId })
        {
            Stats = new StoreStats { Capacity = Capacity, Available = Capacity - ((ulong)leaderCount * 10) },
            LeaderCount = leaderCount,
            LeaderSize = leaderSize ?? leaderCount * 10L,
            LastHeartbeat = Now,
        });

    /// <summary>Region <paramref name="regionId"/> of 10 MiB, led from store <paramref name="leaderStore"/>, followed on the others; replaces a region with that id.</summary>
    public RegionInfo AddLeaderRegion(ulong regionId, ulong leaderStore, params ulong[] followerStores)
    {
        var meta = new Region
        {
            Id = regionId,
            StartKey = ByteString.CopyFromUtf8(regionId.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(20)),
            EndKey = ByteString.CopyFromUtf8((regionId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(20)),
        };
        var leader = AllocPeer(leaderStore);
        meta.Peers.Add(leader);
        meta.Peers.Add(followerStores.Select(AllocPeer));
        var region = new RegionInfo(meta, leader.Clone(), approximateSize: 10);
        PutRegion(region);
        return region;
    }

    public void PutRegion(RegionInfo region) => Core.Regions.SetRegion(region);

    public void UpdateRegionCount(ulong storeId, int regionCount) =>
        Update(storeId, s => s with { RegionCount = regionCount, RegionSize = regionCount * 10L });

    public void UpdateLeaderCount(ulong storeId, int leaderCount) =>
        Update(storeId, s => s with { LeaderCount = leaderCount, LeaderSize = leaderCount * 10L });

    public void UpdatePendingPeerCount(ulong storeId, int count) => Update(storeId, s => s with { PendingPeerCount = count });

    public void UpdateSnapshotCount(ulong storeId, uint count) =>
        Update(storeId, s =>
        {
            var stats = s.Stats.Clone();
            stats.ApplyingSnapCount = count;
            return s with { Stats = stats };
        });

    public void SetStoreUp(ulong storeId) => Update(storeId, s => s.WithState(StoreState.Up) with { LastHeartbeat = Now });

    public void SetStoreOffline(ulong storeId) => Update(storeId, s => s.WithState(StoreState.Offline));

    /// <summary>Up, but never heard from: down for longer than any limit.</summary>
    public void SetStoreDown(ulong storeId) => Update(storeId, s => s.WithState(StoreState.Up) with { LastHeartbeat = null });

    /// <summary>Up, last heard from 30 s ago: disconnected, not down.</summary>
    public void SetStoreDisconnect(ulong storeId) =>
        Update(storeId, s => s.WithState(StoreState.Up) with { LastHeartbeat = Now - (long)TimeSpan.FromSeconds(30).TotalMicroseconds });

    public void SetStoreBusy(ulong storeId, bool busy) =>
        Update(storeId, s =>
        {
            var stats = s.Stats.Clone();
            stats.IsBusy = busy;
            return s with { Stats = stats, LastHeartbeat = Now };
        });

    private void Update(ulong storeId, Func<StoreInfo, StoreInfo> change) =>
        Core.Stores.SetStore(change(Core.Stores.GetStore(storeId) ?? throw new InvalidOperationException($"no store {storeId} in the mock cluster")));
}
