using Grpc.Core;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>A store's RegionHeartbeat stream, as a test drives it: send heartbeats, read what comes back.</summary>
public sealed class HeartbeatCall : IDisposable
{
    private readonly AsyncDuplexStreamingCall<RegionHeartbeatRequest, RegionHeartbeatResponse> _call;

    public HeartbeatCall(Proto.Schedulerpb.Scheduler.SchedulerClient client) => _call = client.RegionHeartbeat();

    public Task SendAsync(RegionHeartbeatRequest request) => _call.RequestStream.WriteAsync(request);

    public Task SendAsync(RequestHeader header, Region region, Peer leader, ulong approximateSize = 0) =>
        SendAsync(new RegionHeartbeatRequest { Header = header, Region = region, Leader = leader, ApproximateSize = approximateSize });

    /// <summary>The next response, or null if the stream ended first.</summary>
    /// <exception cref="OperationCanceledException">Nothing came within <paramref name="timeout"/> (default 10 s).</exception>
    public async Task<RegionHeartbeatResponse?> ReadAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _call.ResponseStream.MoveNext(cancel.Token) ? _call.ResponseStream.Current : null;
    }

    /// <summary>Reads until a response matches <paramref name="match"/>.</summary>
    public async Task<RegionHeartbeatResponse> ReadUntilAsync(Func<RegionHeartbeatResponse, bool> match, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (await _call.ResponseStream.MoveNext(cancel.Token))
        {
            if (match(_call.ResponseStream.Current))
            {
                return _call.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("the heartbeat stream ended before the expected response");
    }

    public Task CompleteAsync() => _call.RequestStream.CompleteAsync();

    /// <summary>
    /// Ends the requests and reads until the server ends the call, so every heartbeat sent has been
    /// handled (disposing the call right after completing it would cancel heartbeats in flight).
    /// </summary>
    /// <returns>The responses that came before the end.</returns>
    public async Task<IReadOnlyList<RegionHeartbeatResponse>> CompleteAndDrainAsync()
    {
        await CompleteAsync();
        var responses = new List<RegionHeartbeatResponse>();
        while (await ReadAsync() is { } response)
        {
            responses.Add(response);
        }

        return responses;
    }

    public void Dispose() => _call.Dispose();
}
