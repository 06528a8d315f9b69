using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;

namespace TinyKv.Scheduler.Schedulers;

/// <summary>
/// Evens out leaders: moves a leader from the store that leads the most regions to one of the
/// region's followers that leads fewer, or pulls a leader into the store that leads the fewest.
/// A transfer happens only if the two stores' leader counts differ by more than a tolerance,
/// so leaders do not bounce back and forth.
/// </summary>
public sealed class BalanceLeader : IBalanceScheduler
{
    /// <summary>How many random regions are tried per store before giving up on it.</summary>
    public const int RetryLimit = 10;

    /// <summary>Leader counts must differ by at least twice this for a transfer.</summary>
    public const int LeaderTolerance = 5;

    private readonly OperatorController _controller;
    private readonly Random _random;

    /// <summary>Creates the scheduler; <paramref name="random"/> picks regions (a seeded stream in tests).</summary>
    public BalanceLeader(OperatorController controller, Random random)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(random);
        _controller = controller;
        _random = random;
    }

    /// <inheritdoc />
    public string Name => "balance-leader-scheduler";

    /// <inheritdoc />
    public bool IsScheduleAllowed(IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return _controller.OperatorCount(OperatorKind.Leader) < cluster.Options.LeaderScheduleLimit;
    }

    /// <inheritdoc />
    public Operator? Schedule(IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var stores = cluster.GetStores();
        var sources = stores.Where(s => StoreFilters.CanGiveLeader(s, cluster)).OrderByDescending(s => s.LeaderCount).ThenBy(s => s.Id).ToList();
        var targets = stores.Where(s => StoreFilters.CanTakeLeader(s, cluster)).OrderBy(s => s.LeaderCount).ThenBy(s => s.Id).ToList();

        for (var i = 0; i < sources.Count || i < targets.Count; i++)
        {
            if (i < sources.Count)
            {
                for (var attempt = 0; attempt < RetryLimit; attempt++)
                {
                    if (TransferLeaderOut(cluster, sources[i]) is { } op)
                    {
                        return op;
                    }
                }
            }

            if (i < targets.Count)
            {
                for (var attempt = 0; attempt < RetryLimit; attempt++)
                {
                    if (TransferLeaderIn(cluster, targets[i]) is { } op)
                    {
                        return op;
                    }
                }
            }
        }

        return null;
    }

    private Operator? TransferLeaderOut(IClusterView cluster, StoreInfo source)
    {
        var region = cluster.RandomLeaderRegion(source.Id, _random, IsHealthy);
        if (region is null)
        {
            return null;
        }

        var targets = cluster.GetFollowerStores(region)
            .Where(s => StoreFilters.CanTakeLeader(s, cluster))
            .OrderBy(s => s.LeaderCount)
            .ThenBy(s => s.Id);
        return targets.Select(target => CreateOperator(region, source, target)).FirstOrDefault(op => op is not null);
    }

    private Operator? TransferLeaderIn(IClusterView cluster, StoreInfo target)
    {
        var region = cluster.RandomFollowerRegion(target.Id, _random, IsHealthy);
        if (region?.Leader is null || cluster.GetStore(region.Leader.StoreId) is not { } source)
        {
            return null;
        }

        return CreateOperator(region, source, target);
    }

    private static Operator? CreateOperator(RegionInfo region, StoreInfo source, StoreInfo target) =>
        source.LeaderCount - target.LeaderCount < 2 * LeaderTolerance
            ? null
            : OperatorFactory.TransferLeader("balance-leader", region, source.Id, target.Id, OperatorKind.Balance);

    /// <summary>A region with every peer caught up: safe to move leadership around in.</summary>
    private static bool IsHealthy(RegionInfo region) => region.PendingPeers.Count == 0;
}
