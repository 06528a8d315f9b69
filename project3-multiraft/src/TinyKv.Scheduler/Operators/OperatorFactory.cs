using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Operators;

/// <summary>
/// Builds the operators the schedulers and checkers need. Removing the leader's peer always
/// hands leadership to another peer first: a leader cannot remove itself safely.
/// </summary>
public static class OperatorFactory
{
    /// <summary>An operator that adds peer <paramref name="peerId"/> of <paramref name="region"/> on store <paramref name="toStore"/>.</summary>
    public static Operator AddPeer(string description, RegionInfo region, ulong peerId, ulong toStore, OperatorKind kind)
    {
        ArgumentNullException.ThrowIfNull(region);
        return new Operator(description, $"add peer: store {toStore}", region.Id, region.Epoch, kind | OperatorKind.Region, new AddPeer(toStore, peerId));
    }

    /// <summary>An operator that hands <paramref name="region"/>'s leadership from store <paramref name="fromStore"/> to store <paramref name="toStore"/>.</summary>
    public static Operator TransferLeader(string description, RegionInfo region, ulong fromStore, ulong toStore, OperatorKind kind)
    {
        ArgumentNullException.ThrowIfNull(region);
        return new Operator(description, $"transfer leader: store {fromStore} to {toStore}", region.Id, region.Epoch, kind | OperatorKind.Leader, new TransferLeader(fromStore, toStore));
    }

    /// <summary>
    /// An operator that removes <paramref name="region"/>'s peer on store <paramref name="fromStore"/>,
    /// handing leadership to a follower first if that peer leads.
    /// </summary>
    /// <returns>The operator, or null if the peer leads and no follower's store is known to take over.</returns>
    public static Operator? RemovePeer(string description, IClusterView cluster, RegionInfo region, ulong fromStore, OperatorKind kind)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (!TryRemoveSteps(cluster, region, fromStore, FollowerStores(region), out var removeKind, out var steps))
        {
            return null;
        }

        return new Operator(description, $"rm peer: store {fromStore}", region.Id, region.Epoch, removeKind | kind, [.. steps]);
    }

    /// <summary>
    /// An operator that moves <paramref name="region"/>'s peer from store <paramref name="fromStore"/>
    /// to store <paramref name="toStore"/> as new peer <paramref name="peerId"/>: add the new peer,
    /// hand leadership over if the old peer leads (to a follower, else to the new peer), remove the old peer.
    /// </summary>
    /// <returns>The operator, or null if leadership has nowhere to go.</returns>
    public static Operator? MovePeer(string description, IClusterView cluster, RegionInfo region, OperatorKind kind, ulong fromStore, ulong toStore, ulong peerId)
    {
        ArgumentNullException.ThrowIfNull(region);
        var successors = FollowerStores(region).Append(toStore).ToList();
        if (!TryRemoveSteps(cluster, region, fromStore, successors, out var removeKind, out var steps))
        {
            return null;
        }

        steps.Insert(0, new AddPeer(toStore, peerId));
        return new Operator(description, $"mv peer: store {fromStore} to {toStore}", region.Id, region.Epoch, removeKind | kind | OperatorKind.Region, [.. steps]);
    }

    /// <summary>The stores of the region's followers, ascending: the order leadership is offered in.</summary>
    private static IEnumerable<ulong> FollowerStores(RegionInfo region) => region.Followers.Select(p => p.StoreId).Order();

    private static bool TryRemoveSteps(IClusterView cluster, RegionInfo region, ulong fromStore, IEnumerable<ulong> successors, out OperatorKind kind, out List<OperatorStep> steps)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        kind = OperatorKind.Region;
        steps = [];
        if (region.Leader?.StoreId == fromStore)
        {
            // The first successor whose store the cluster knows takes over.
            var successor = successors
                .Where(id => id != fromStore && cluster.GetStore(id) is not null)
                .Select(id => (ulong?)id)
                .FirstOrDefault();
            if (successor is not { } to)
            {
                return false;
            }

            steps.Add(new TransferLeader(fromStore, to));
            kind |= OperatorKind.Leader;
        }

        steps.Add(new RemovePeer(fromStore));
        return true;
    }
}
