using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;

namespace TinyKv.Scheduler.Tests.Support;

/// <summary>Heartbeat streams that keep every command sent, by the store of the leader it went to.</summary>
internal class RecordingStreams : IHeartbeatStreams
{
    public List<(ulong StoreId, RegionHeartbeatResponse Response)> Sent { get; } = [];

    public virtual void Send(RegionInfo region, RegionHeartbeatResponse response) => Sent.Add((region.Leader!.StoreId, response));

    public IEnumerable<RegionHeartbeatResponse> To(ulong storeId) => Sent.Where(s => s.StoreId == storeId).Select(s => s.Response);
}
