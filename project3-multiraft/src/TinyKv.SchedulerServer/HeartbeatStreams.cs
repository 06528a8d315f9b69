using System.Threading.Channels;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;

namespace TinyKv.SchedulerServer;

/// <summary>
/// One open RegionHeartbeat call: responses queued here are written to the call's response
/// stream, in order, by the call's own writer (gRPC allows one writer per stream at a time).
/// </summary>
public sealed class HeartbeatStream
{
    private readonly Channel<RegionHeartbeatResponse> _outbox =
        Channel.CreateUnbounded<RegionHeartbeatResponse>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The responses waiting to be written; completes when the call ends.</summary>
    public ChannelReader<RegionHeartbeatResponse> Outbox => _outbox.Reader;

    /// <summary>Queues <paramref name="response"/> without waiting; false if the call has ended.</summary>
    public bool TrySend(RegionHeartbeatResponse response) => _outbox.Writer.TryWrite(response);

    /// <summary>Ends the outbox: what is queued is still written, nothing more is accepted.</summary>
    public void Complete() => _outbox.Writer.TryComplete();
}

/// <summary>
/// The RegionHeartbeat streams of the stores, as the operator controller sees them: a store's
/// heartbeats bind its latest stream, and a command for a region goes to the stream of the store
/// its leader lives on. Delivery is not guaranteed (no stream, or it just closed): the controller
/// repeats a step until a heartbeat shows it done.
/// </summary>
/// <remarks>Used on the server's loop only, like the cluster that calls it.</remarks>
public sealed class HeartbeatStreams(ulong clusterId) : IHeartbeatStreams
{
    private readonly Dictionary<ulong, HeartbeatStream> _byStore = [];

    /// <summary>Makes <paramref name="stream"/> the one commands for <paramref name="storeId"/> go to.</summary>
    public void Bind(ulong storeId, HeartbeatStream stream) => _byStore[storeId] = stream;

    /// <summary>Forgets <paramref name="stream"/> wherever it is still bound (its call ended).</summary>
    public void Unbind(HeartbeatStream stream)
    {
        foreach (var storeId in _byStore.Where(e => e.Value == stream).Select(e => e.Key).ToList())
        {
            _byStore.Remove(storeId);
        }
    }

    /// <inheritdoc />
    public void Send(RegionInfo region, RegionHeartbeatResponse response)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(response);
        if (region.Leader is not { } leader)
        {
            return;
        }

        response.Header ??= new ResponseHeader { ClusterId = clusterId };
        SendTo(leader.StoreId, response);
    }

    /// <summary>Sends an error header to store <paramref name="storeId"/>'s stream (a refused heartbeat).</summary>
    public void SendError(ulong storeId, ErrorType type, string message) =>
        SendTo(storeId, new RegionHeartbeatResponse
        {
            Header = new ResponseHeader { ClusterId = clusterId, Error = new Error { Type = type, Message = message } },
        });

    private void SendTo(ulong storeId, RegionHeartbeatResponse response)
    {
        if (_byStore.TryGetValue(storeId, out var stream) && !stream.TrySend(response))
        {
            _byStore.Remove(storeId);
        }
    }
}
