using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Tests.Simulation;

// What the model checks while it runs (a failed check throws inside an event, which fails the
// run with its seed), and what a test checks at the end.
internal sealed partial class SimulatedStores
{
    /// <summary>How many reports the scheduler refused as stale.</summary>
    public int ReportsRefused { get; private set; }

    /// <summary>
    /// A region heartbeat reaches the scheduler. Checked against the rule of the 3C handout,
    /// taking the scheduler's view just before: a report older than the region with its id or any
    /// region it overlaps (a lower version, or the same version and a lower conf_ver) must be
    /// refused; a report at least as new as all of them in both version and conf_ver must be
    /// taken, and then the scheduler holds exactly its epoch.
    /// </summary>
    private void Deliver(RegionHeartbeatRequest report)
    {
        var region = RegionInfo.FromHeartbeat(report);
        var known = new[] { Cluster.GetRegion(region.Id) }.OfType<RegionInfo>()
            .Concat(Cluster.Core.Regions.GetOverlaps(region))
            .ToList();
        var newer = known.Where(k => IsOlder(region.Epoch, k.Epoch)).ToList();
        var mayBeTaken = known.All(k => region.Epoch.Version >= k.Epoch.Version && region.Epoch.ConfVer >= k.Epoch.ConfVer);
        bool refused;
        try
        {
            Cluster.HandleRegionHeartbeat(region);
            refused = false;
        }
        catch (StaleRegionException)
        {
            refused = true;
        }

        if (refused)
        {
            ReportsRefused++;
            if (mayBeTaken)
            {
                throw new InvalidOperationException($"the scheduler refused a fresh report of {region}; it knew {string.Join("; ", known)}");
            }

            return;
        }

        if (newer.Count > 0)
        {
            throw new InvalidOperationException($"the scheduler took a stale report of {region} over {string.Join("; ", newer)}");
        }

        var held = Cluster.GetRegion(region.Id);
        if (held is null || held.Epoch.Version != region.Epoch.Version || held.Epoch.ConfVer != region.Epoch.ConfVer)
        {
            throw new InvalidOperationException($"the scheduler took the report of {region} but holds {held?.ToString() ?? "nothing"} for its id");
        }
    }

    /// <summary>True if <paramref name="epoch"/> is older than <paramref name="known"/>: a lower version, or the same version and a lower conf_ver.</summary>
    private static bool IsOlder(RegionEpoch epoch, RegionEpoch known) =>
        epoch.Version < known.Version || (epoch.Version == known.Version && epoch.ConfVer < known.ConfVer);

    /// <summary>After every event: no region has two operators running at once.</summary>
    private void CheckOneOperatorPerRegion()
    {
        var regions = new HashSet<ulong>();
        foreach (var op in Cluster.Operators.GetOperators())
        {
            if (!regions.Add(op.RegionId))
            {
                throw new InvalidOperationException($"two operators run on region {op.RegionId} at once: {string.Join("; ", Cluster.Operators.GetOperators().Where(o => o.RegionId == op.RegionId))}");
            }
        }
    }

    /// <summary>
    /// After every membership change: peers on distinct stores, and at most one more than the
    /// replica count. An operator adds at most one peer before it removes one; more means two
    /// operators changed the region at once.
    /// </summary>
    private void CheckMembership(SimRegion region)
    {
        var stores = region.Meta.Peers.Select(p => p.StoreId).Distinct().Count();
        if (stores != region.Meta.Peers.Count || region.Meta.Peers.Count > Cluster.Options.MaxReplicas + 1)
        {
            throw new InvalidOperationException($"{region}: two operators changed it at once, or one added a second peer on a store");
        }
    }

    /// <summary>After every split: the true regions still cover the key space exactly, without gaps or overlaps.</summary>
    private void CheckRangesTile()
    {
        var next = UInt128.Zero;
        foreach (var region in _regions.Values.OrderBy(r => r.Start))
        {
            if (region.Start != next || region.End <= region.Start)
            {
                throw new InvalidOperationException($"the regions no longer tile the key space at {region}");
            }

            next = region.End;
        }

        if (next != (UInt128)ulong.MaxValue + 1)
        {
            throw new InvalidOperationException("the regions no longer reach the end of the key space");
        }
    }

    /// <summary>
    /// Where the scheduler's view differs from the truth: a region it does not hold, or holds with
    /// another range, epoch, peers, leader or pending peers, and regions it holds that do not exist.
    /// Empty once every region has reported since its last change.
    /// </summary>
    public IReadOnlyList<string> Disagreements()
    {
        var found = new List<string>();
        foreach (var truth in _regions.Values)
        {
            var view = Cluster.GetRegion(truth.Id);
            if (view is null)
            {
                found.Add($"the scheduler does not hold {truth}");
                continue;
            }

            if (!view.Meta.Equals(truth.Meta) || view.Leader?.Id != truth.Leader?.Id
                || !view.PendingPeers.Select(p => p.Id).Order().SequenceEqual(truth.PendingPeerIds))
            {
                found.Add($"the scheduler holds {view} for {truth}");
            }
        }

        found.AddRange(Cluster.GetRegions().Where(r => !_regions.ContainsKey(r.Id)).Select(r => $"the scheduler holds {r}, which does not exist"));
        return found;
    }

    /// <summary>
    /// Regions that do not have exactly <see cref="ScheduleOptions.MaxReplicas"/> caught-up peers,
    /// all on live stores, with a leader on a live store.
    /// </summary>
    public IReadOnlyList<string> ReplicaProblems() =>
        [.. _regions.Values
            .Where(r => r.Meta.Peers.Count != Cluster.Options.MaxReplicas
                || r.PendingPeerIds.Count > 0
                || r.Meta.Peers.Any(p => !_stores[p.StoreId].IsAlive)
                || r.Leader is not { } leader
                || !_stores[leader.StoreId].IsAlive)
            .Select(r => r.ToString())];
}
