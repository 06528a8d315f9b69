using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.RaftStore;

/// <summary>
/// What a store tells the cluster scheduler and asks of it. Leaders report their regions, the
/// store reports itself, and a region about to split asks for the ids of its new half. No call
/// blocks: what the scheduler answers comes back later, on the store's loop.
/// </summary>
/// <remarks>
/// The scheduler answers region heartbeats with orders (add or remove a peer, transfer the
/// leader). It may repeat an order until a heartbeat shows it took effect, and it ignores
/// reports whose epoch is older than what it already knows.
/// </remarks>
public interface ISchedulerClient
{
    /// <summary>
    /// Registers what runs, on the store's loop, when the scheduler answers a region heartbeat
    /// of this store. One handler per store; a later call replaces it.
    /// </summary>
    void SetRegionHeartbeatHandler(Action<RegionHeartbeatResponse> handler);

    /// <summary>A leader reports its region: peers, epoch, leader, pending peers, approximate size.</summary>
    void RegionHeartbeat(RegionHeartbeatRequest request);

    /// <summary>The store reports itself: how many regions it holds, its disk, whether it is busy.</summary>
    void StoreHeartbeat(StoreStats stats);

    /// <summary>
    /// Asks for a new region id and one new peer id per peer of <paramref name="region"/>, for
    /// splitting it. <paramref name="answer"/> runs on the store's loop, with the ids or with an
    /// error in the response's header (the region's epoch is stale, or there is no scheduler).
    /// </summary>
    void AskSplit(Region region, Action<AskSplitResponse> answer);
}
