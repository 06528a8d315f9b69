using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore;
using TinyKv.Runtime;
using TinyKv.Server.Faults;
using TinyKv.Server.Replication;

namespace TinyKv.Server.Scheduling;

/// <summary>
/// The raftstore's scheduler client over gRPC: region heartbeats on one long-lived
/// <c>RegionHeartbeat</c> stream (the scheduler's answers, operators among them, handed to the
/// store's loop), store heartbeats and <c>AskSplit</c> as unary calls, and store addresses for
/// the raft transport from <c>GetStore</c>.
/// </summary>
/// <remarks>
/// Every method the store calls runs on its loop and returns at once: the calls go out on the
/// thread pool, and answers come back through <see cref="IScheduler.Post"/>. When the scheduler
/// is away, heartbeats queue up to a bound and the rest are dropped (the next ones say the same,
/// newer), AskSplit is answered with an error (the split checker asks again later), and the
/// stream is opened again after a pause. While the store is isolated (<see cref="FaultInjection"/>)
/// it sends no heartbeat (those queued are dropped), discards the scheduler's answers, and
/// AskSplit is answered with an error, as if the scheduler were away.
/// </remarks>
public sealed class GrpcSchedulerClient : ISchedulerClient, IStoreAddresses, IAsyncDisposable
{
    private const int QueuedHeartbeats = 1024;
    private static readonly TimeSpan Reconnect = TimeSpan.FromMilliseconds(500);

    private readonly SchedulerConnection _scheduler;
    private readonly IScheduler _loop;
    private readonly ILogger _logger;
    private readonly Channel<RegionHeartbeatRequest> _heartbeats =
        Channel.CreateBounded<RegionHeartbeatRequest>(new BoundedChannelOptions(QueuedHeartbeats) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly FaultInjection _faults;
    private Action<RegionHeartbeatResponse>? _handler;
    private long _lastStoreHeartbeat; // Unix seconds of the last store heartbeat sent, 0 before the first.

    /// <summary>A client of <paramref name="scheduler"/> whose answers run on <paramref name="loop"/>.</summary>
    /// <param name="scheduler">The connection to the scheduler.</param>
    /// <param name="loop">The store's loop, where answers are handed.</param>
    /// <param name="logger">Where refusals and a scheduler away are logged.</param>
    /// <param name="faults">The server's fault switch; none injected when null.</param>
    public GrpcSchedulerClient(SchedulerConnection scheduler, IScheduler loop, ILogger logger, FaultInjection? faults = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(logger);
        _scheduler = scheduler;
        _loop = loop;
        _logger = logger;
        _faults = faults ?? new FaultInjection();
        _pump = Task.Run(PumpHeartbeatsAsync);
    }

    /// <inheritdoc/>
    public void SetRegionHeartbeatHandler(Action<RegionHeartbeatResponse> handler) => Volatile.Write(ref _handler, handler);

    /// <inheritdoc/>
    public void RegionHeartbeat(RegionHeartbeatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_faults.IsIsolated)
        {
            return;
        }

        var sent = request.Clone();
        sent.Header = _scheduler.Header;
        _heartbeats.Writer.TryWrite(sent);
    }

    /// <inheritdoc/>
    public void StoreHeartbeat(StoreStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (_faults.IsIsolated)
        {
            return;
        }

        var request = new StoreHeartbeatRequest { Header = _scheduler.Header, Stats = stats.Clone() };

        // The store's state machine has no clock: the period its statistics cover, from the last
        // heartbeat to this one, is stamped here on the real-time side, as TiKV reports it.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var previous = Interlocked.Exchange(ref _lastStoreHeartbeat, now);
        request.Stats.Interval = new TimeInterval { StartTimestamp = (ulong)(previous == 0 ? now : previous), EndTimestamp = (ulong)now };
        _ = Task.Run(async () =>
        {
            try
            {
                var response = await _scheduler.CallAsync((c, _, o) => c.StoreHeartbeatAsync(request, o).ResponseAsync, _stop.Token).ConfigureAwait(false);
                if (response.Header?.Error is { Type: not ErrorType.Ok } error)
                {
                    _logger.LogStoreHeartbeatRefused(stats.StoreId, error.Type, error.Message);
                }
            }
            catch (SchedulerCallException ex)
            {
                _logger.LogSchedulerUnreachable("StoreHeartbeat", ex.Message);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <inheritdoc/>
    public void AskSplit(Region region, Action<AskSplitResponse> answer)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(answer);
        if (_faults.IsIsolated)
        {
            var refusal = Refusal("the store is isolated (fault injection): the scheduler cannot be asked for a split");
            _loop.Post(() => answer(refusal));
            return;
        }

        var request = new AskSplitRequest { Header = _scheduler.Header, Region = region.Clone() };
        _ = Task.Run(async () =>
        {
            AskSplitResponse response;
            try
            {
                response = await _scheduler.CallAsync((c, _, o) => c.AskSplitAsync(request, o).ResponseAsync, _stop.Token).ConfigureAwait(false);
            }
            catch (SchedulerCallException ex)
            {
                response = Refusal($"the scheduler did not answer AskSplit ({ex.Message})");
            }
            catch (OperationCanceledException)
            {
                return; // stopping: the store is gone
            }

            _loop.Post(() => answer(response));
        });
    }

    /// <inheritdoc/>
    public async ValueTask<Uri?> ResolveAsync(ulong storeId, bool refresh, CancellationToken cancellationToken)
    {
        try
        {
            return await _scheduler.Link.StoreAddressAsync(storeId, refresh, cancellationToken).ConfigureAwait(false) is { } address
                ? new Uri($"http://{address}")
                : null;
        }
        catch (Exception ex) when (ex is RpcException or SchedulerUnavailableException or UriFormatException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogStoreUnresolved(storeId, ex.Message);
            return _scheduler.Link.CachedStoreAddress(storeId) is { } kept ? new Uri($"http://{kept}") : null; // the scheduler is away: keep using what it said
        }
    }

    /// <summary>Stops the heartbeat stream and every call in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _heartbeats.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static AskSplitResponse Refusal(string message) => new()
    {
        Header = new ResponseHeader { Error = new Error { Type = ErrorType.Unknown, Message = message } },
    };

    /// <summary>Keeps a <c>RegionHeartbeat</c> stream open while there is something to send, and hands every answer to the loop.</summary>
    private async Task PumpHeartbeatsAsync()
    {
        var stop = _stop.Token;
        var queue = _heartbeats.Reader;
        Uri? streamLeader = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!await queue.WaitToReadAsync(stop).ConfigureAwait(false))
                {
                    return;
                }

                var (client, leader) = await _scheduler.Link.LeaderClientAsync(stop).ConfigureAwait(false);
                streamLeader = leader;
                using var call = client.RegionHeartbeat(cancellationToken: stop);
                var answers = ReadAnswersAsync(call.ResponseStream, stop);
                while (await queue.WaitToReadAsync(stop).ConfigureAwait(false))
                {
                    while (queue.TryRead(out var request))
                    {
                        if (!_faults.IsIsolated)
                        {
                            await call.RequestStream.WriteAsync(request, stop).ConfigureAwait(false);
                        }
                    }

                    if (answers.IsCompleted)
                    {
                        await answers.ConfigureAwait(false); // the stream broke: rethrow why
                        throw new IOException("the scheduler closed the region heartbeat stream");
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or SchedulerUnavailableException)
            {
                _logger.LogSchedulerUnreachable("RegionHeartbeat", ex.Message);
                if (streamLeader is not null)
                {
                    _scheduler.Link.LeaderFailed(streamLeader); // it may have stopped leading: ask the members again
                }

                try
                {
                    await Task.Delay(Reconnect, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ReadAnswersAsync(IAsyncStreamReader<RegionHeartbeatResponse> answers, CancellationToken stop)
    {
        while (await answers.MoveNext(stop).ConfigureAwait(false))
        {
            var answer = answers.Current;
            if (_faults.IsIsolated)
            {
                continue; // lost on the way in
            }

            if (answer.Header?.Error is { Type: not ErrorType.Ok } error)
            {
                _logger.LogRegionHeartbeatRefused(answer.RegionId, error.Type, error.Message);
                continue;
            }

            if (Volatile.Read(ref _handler) is { } handler)
            {
                _loop.Post(() => handler(answer));
            }
        }
    }
}

internal static partial class GrpcSchedulerClientLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "scheduler call {Call} failed ({Reason}); trying again later")]
    public static partial void LogSchedulerUnreachable(this ILogger logger, string call, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the scheduler refused store {StoreId}'s heartbeat: {Type}: {Reason}")]
    public static partial void LogStoreHeartbeatRefused(this ILogger logger, ulong storeId, ErrorType type, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "the scheduler refused a heartbeat of region {RegionId}: {Type}: {Reason}")]
    public static partial void LogRegionHeartbeatRefused(this ILogger logger, ulong regionId, ErrorType type, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "the address of store {StoreId} is not known yet ({Reason})")]
    public static partial void LogStoreUnresolved(this ILogger logger, ulong storeId, string reason);
}
