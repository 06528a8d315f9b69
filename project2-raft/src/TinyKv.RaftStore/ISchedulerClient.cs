using TinyKv.Proto.Metapb;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.RaftStore;

/// <summary>
/// What a store tells the cluster scheduler. A leader reports its region periodically, so the
/// scheduler (and the clients asking it) know the region's peers and leader.
/// </summary>
public interface ISchedulerClient
{
    /// <summary>Reports that <paramref name="leader"/> leads <paramref name="region"/>; never blocks.</summary>
    void RegionHeartbeat(Region region, MetaPeer leader, IReadOnlyList<MetaPeer> pendingPeers, ulong approximateSize);
}
