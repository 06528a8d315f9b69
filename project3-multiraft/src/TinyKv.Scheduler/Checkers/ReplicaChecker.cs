using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Schedulers;

namespace TinyKv.Scheduler.Checkers;

/// <summary>
/// Keeps every region at <see cref="ScheduleOptions.MaxReplicas"/> replicas: replaces a peer on a
/// store that is offline or down (adding the replacement first, so the region never drops a
/// replica it could still use), adds a replica to a region that has too few, and removes one
/// from a region that has too many.
/// </summary>
public sealed class ReplicaChecker
{
    private readonly IClusterView _cluster;

    /// <summary>Creates the checker over <paramref name="cluster"/>.</summary>
    public ReplicaChecker(IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _cluster = cluster;
    }

    /// <summary>An operator that fixes <paramref name="region"/>'s replicas, or null if they are fine (or cannot be fixed now).</summary>
    public Operator? Check(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var maxReplicas = _cluster.Options.MaxReplicas;
        if (CheckLostPeer(region) is { } fix)
        {
            fix.Priority = OperatorPriority.High;
            return fix;
        }

        if (region.Peers.Count < maxReplicas)
        {
            var store = SelectStoreToAdd(region);
            if (store is null)
            {
                return null;
            }

            var peer = _cluster.AllocPeer(store.Id);
            return OperatorFactory.AddPeer("make-up-replica", region, peer.Id, peer.StoreId, OperatorKind.Replica);
        }

        if (region.Peers.Count > maxReplicas && SelectWorstPeer(region) is { } worst)
        {
            return OperatorFactory.RemovePeer("remove-extra-replica", _cluster, region, worst.StoreId, OperatorKind.Replica);
        }

        return null;
    }

    /// <summary>Replaces (or just removes, if the region has replicas to spare) a peer on a store that is offline, down, or unknown.</summary>
    private Operator? CheckLostPeer(RegionInfo region)
    {
        foreach (var peer in region.Peers)
        {
            var store = _cluster.GetStore(peer.StoreId);
            if (store is null || (store.IsUp && StoreFilters.IsAlive(store, _cluster)))
            {
                continue;
            }

            var status = store.IsUp ? "down" : "offline";
            if (region.Peers.Count > _cluster.Options.MaxReplicas)
            {
                return OperatorFactory.RemovePeer($"remove-extra-{status}-replica", _cluster, region, peer.StoreId, OperatorKind.Replica);
            }

            var target = SelectStoreToAdd(region);
            if (target is null)
            {
                return null;
            }

            var newPeer = _cluster.AllocPeer(target.Id);
            return OperatorFactory.MovePeer($"replace-{status}-replica", _cluster, region, OperatorKind.Replica, peer.StoreId, target.Id, newPeer.Id);
        }

        return null;
    }

    /// <summary>The store with the smallest region size that may take a new peer and holds none of the region yet.</summary>
    private StoreInfo? SelectStoreToAdd(RegionInfo region) =>
        _cluster.GetStores()
            .Where(s => !region.HasPeerOn(s.Id) && StoreFilters.CanTakeRegion(s, _cluster))
            .OrderBy(s => s.RegionSize)
            .ThenBy(s => s.Id)
            .FirstOrDefault();

    /// <summary>The peer on the store with the largest region size.</summary>
    private Peer? SelectWorstPeer(RegionInfo region) =>
        _cluster.GetRegionStores(region)
            .OrderByDescending(s => s.RegionSize)
            .ThenBy(s => s.Id)
            .Select(s => region.GetStorePeer(s.Id))
            .FirstOrDefault();
}
