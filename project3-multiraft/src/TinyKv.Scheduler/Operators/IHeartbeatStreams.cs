using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Operators;

/// <summary>
/// Where the scheduler's commands to region leaders go: in a server, the RegionHeartbeat stream
/// of the store the leader lives on; in tests, a recorder. Delivery is not guaranteed (a stream
/// may be gone); the controller repeats a step until a heartbeat shows it done or the operator times out.
/// </summary>
public interface IHeartbeatStreams
{
    /// <summary>
    /// Sends <paramref name="response"/> (region id, epoch and target peer already filled in) to
    /// the leader of <paramref name="region"/>. Must not block.
    /// </summary>
    void Send(RegionInfo region, RegionHeartbeatResponse response);
}
