using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Operators;

/// <summary>
/// The cluster as it will be once the running operators have done what they still have to do:
/// a view whose stores' region and leader counts and sizes already include each peer a running
/// operator will add or remove and each leader it will move, on top of what heartbeats reported.
/// Everything else is the cluster's own answer.
/// </summary>
/// <remarks>
/// Without it a balance scheduler that runs every few milliseconds sees the same fullest and
/// emptiest stores again and again until heartbeats show its first moves, and piles moves onto
/// them; the stores then swing past each other (a store receiving peers looks fullest, since a
/// region being moved counts on both stores) and regions move back and forth for ever. PD calls
/// this the operators' influence. A snapshot: made afresh for each scheduling decision.
/// </remarks>
public sealed class OperatorInfluence : IClusterView
{
    private readonly IClusterView _cluster;
    private readonly SortedDictionary<ulong, StoreInfo> _stores = [];

    /// <summary>Computes the influence of <paramref name="operators"/> on the stores of <paramref name="cluster"/>.</summary>
    public OperatorInfluence(IClusterView cluster, IEnumerable<Operator> operators)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(operators);
        _cluster = cluster;
        foreach (var store in cluster.GetStores())
        {
            _stores[store.Id] = store;
        }

        foreach (var op in operators)
        {
            if (cluster.GetRegion(op.RegionId) is { } region)
            {
                AddInfluence(op, region);
            }
        }
    }

    /// <inheritdoc />
    public ScheduleOptions Options => _cluster.Options;

    /// <inheritdoc />
    public long Now => _cluster.Now;

    /// <inheritdoc />
    public IReadOnlyList<StoreInfo> GetStores() => [.. _stores.Values];

    /// <inheritdoc />
    public StoreInfo? GetStore(ulong storeId) => _stores.GetValueOrDefault(storeId);

    /// <inheritdoc />
    public RegionInfo? GetRegion(ulong regionId) => _cluster.GetRegion(regionId);

    /// <inheritdoc />
    public IReadOnlyList<StoreInfo> GetRegionStores(RegionInfo region) =>
        [.. _cluster.GetRegionStores(region).Select(s => _stores.GetValueOrDefault(s.Id, s))];

    /// <inheritdoc />
    public IReadOnlyList<StoreInfo> GetFollowerStores(RegionInfo region) =>
        [.. _cluster.GetFollowerStores(region).Select(s => _stores.GetValueOrDefault(s.Id, s))];

    /// <inheritdoc />
    public RegionInfo? RandomLeaderRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        _cluster.RandomLeaderRegion(storeId, random, accept);

    /// <inheritdoc />
    public RegionInfo? RandomFollowerRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        _cluster.RandomFollowerRegion(storeId, random, accept);

    /// <inheritdoc />
    public RegionInfo? RandomPendingRegion(ulong storeId, Random random, Func<RegionInfo, bool>? accept = null) =>
        _cluster.RandomPendingRegion(storeId, random, accept);

    /// <inheritdoc />
    public Peer AllocPeer(ulong storeId) => _cluster.AllocPeer(storeId);

    /// <summary>Counts what <paramref name="op"/>'s steps will still change, judged against <paramref name="region"/> as last reported.</summary>
    private void AddInfluence(Operator op, RegionInfo region)
    {
        var size = region.ApproximateSize;
        foreach (var step in op.Steps.Skip(op.CurrentStep))
        {
            switch (step)
            {
                case AddPeer add when !region.HasPeerOn(add.ToStore):
                    Change(add.ToStore, s => s with { RegionCount = s.RegionCount + 1, RegionSize = s.RegionSize + size });
                    break;
                case RemovePeer remove when region.HasPeerOn(remove.FromStore):
                    Change(remove.FromStore, s => s with { RegionCount = s.RegionCount - 1, RegionSize = s.RegionSize - size });
                    break;
                case TransferLeader transfer when region.Leader?.StoreId == transfer.FromStore:
                    Change(transfer.FromStore, s => s with { LeaderCount = s.LeaderCount - 1, LeaderSize = s.LeaderSize - size });
                    Change(transfer.ToStore, s => s with { LeaderCount = s.LeaderCount + 1, LeaderSize = s.LeaderSize + size });
                    break;
            }
        }
    }

    private void Change(ulong storeId, Func<StoreInfo, StoreInfo> change)
    {
        if (_stores.TryGetValue(storeId, out var store))
        {
            _stores[storeId] = change(store);
        }
    }
}
