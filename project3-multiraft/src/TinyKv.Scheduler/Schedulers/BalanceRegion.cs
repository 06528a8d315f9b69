using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;

namespace TinyKv.Scheduler.Schedulers;

/// <summary>
/// Evens out the data stores hold: moves one peer of a region from the fullest store that has a
/// region worth moving to the emptiest suitable store that does not hold the region yet, when
/// the two stores' region sizes differ by more than twice the region's size (so the move does
/// not just swap which store is fuller).
/// </summary>
public sealed class BalanceRegion : IBalanceScheduler
{
    private readonly OperatorController _controller;
    private readonly Random _random;

    /// <summary>Creates the scheduler; <paramref name="random"/> picks regions (a seeded stream in tests).</summary>
    public BalanceRegion(OperatorController controller, Random random)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(random);
        _controller = controller;
        _random = random;
    }

    /// <inheritdoc />
    public string Name => "balance-region-scheduler";

    /// <inheritdoc />
    public bool IsScheduleAllowed(IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return _controller.OperatorCount(OperatorKind.Region) < cluster.Options.RegionScheduleLimit;
    }

    /// <summary>
    /// One move-peer operator, or null if no region is worth moving. Suitable stores are up and
    /// have not been down longer than <see cref="ScheduleOptions.MaxStoreDownTime"/>. Sources are
    /// tried from the largest region size down; from each, a region with a pending peer there is
    /// tried first (its peer is behind anyway), then a region it follows in, then one it leads.
    /// A region whose peer count is not <see cref="ScheduleOptions.MaxReplicas"/> is left to the
    /// replica checker. The target is the suitable store with the smallest region size that holds
    /// no peer of the region and may take a new one (<see cref="StoreFilters.CanTakeRegion"/>);
    /// the move happens only if the source's region size exceeds the target's by more than twice
    /// the region's approximate size.
    /// </summary>
    public Operator? Schedule(IClusterView cluster)
    {
#if TINYKV_REF_3C
        ArgumentNullException.ThrowIfNull(cluster);
        var suitable = cluster.GetStores()
            .Where(s => s.IsUp && s.DownTime(cluster.Now) <= cluster.Options.MaxStoreDownTime)
            .OrderByDescending(s => s.RegionSize)
            .ThenBy(s => s.Id)
            .ToList();
        if (suitable.Count < 2)
        {
            return null;
        }

        foreach (var source in suitable)
        {
            var candidates = new[]
            {
                cluster.RandomPendingRegion(source.Id, _random),
                cluster.RandomFollowerRegion(source.Id, _random),
                cluster.RandomLeaderRegion(source.Id, _random),
            };
            foreach (var region in candidates.OfType<RegionInfo>())
            {
                if (MoveOut(cluster, region, source, suitable) is { } op)
                {
                    return op;
                }
            }
        }

        return null;
#else
        throw Todo.Slot("3C", "pick the suitable stores, take a pending, then a follower, then a leader region from the fullest store, and move it to the emptiest store without a peer of it when the size gap is more than twice the region's size; see the 3C handout, 'Balance-region'");
#endif
    }

#if TINYKV_REF_3C
    /// <summary>An operator moving <paramref name="region"/>'s peer off <paramref name="source"/>, or null if no target is worth it.</summary>
    private static Operator? MoveOut(IClusterView cluster, RegionInfo region, StoreInfo source, IReadOnlyList<StoreInfo> suitable)
    {
        if (region.StoreIds.Count != cluster.Options.MaxReplicas)
        {
            return null;
        }

        var target = suitable
            .Where(s => !region.HasPeerOn(s.Id) && StoreFilters.CanTakeRegion(s, cluster))
            .OrderBy(s => s.RegionSize)
            .ThenBy(s => s.Id)
            .FirstOrDefault();
        if (target is null || source.RegionSize - target.RegionSize <= 2 * region.ApproximateSize)
        {
            return null;
        }

        var peer = cluster.AllocPeer(target.Id);
        return OperatorFactory.MovePeer("balance-region", cluster, region, OperatorKind.Balance, source.Id, target.Id, peer.Id);
    }
#endif
}
