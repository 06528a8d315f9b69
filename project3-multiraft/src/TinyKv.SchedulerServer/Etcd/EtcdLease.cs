using System.Diagnostics;
using dotnet_etcd;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace TinyKv.SchedulerServer.Etcd;

/// <summary>
/// An etcd lease this member holds and keeps alive: its member key and, while it leads, the
/// leader key are bound to it, so etcd deletes them when the member stops renewing it (crash,
/// pause, network cut).
/// </summary>
/// <remarks>
/// The member counts the lease as lost at its <em>local</em> deadline: the time it sent the last
/// renewal etcd acknowledged, plus the time to live etcd granted. etcd starts counting later (when
/// the renewal arrives), so the member gives the lease up before etcd does, never after: a leader
/// whose lease is gone in etcd has already stepped down. <see cref="Lost"/> completes at that
/// deadline (or at once when etcd says the lease is gone), and the lease never comes back: the
/// member grants a new one.
/// </remarks>
public sealed partial class EtcdLease : IAsyncDisposable
{
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(2);
    private readonly EtcdClient _etcd;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _keepAlive;
    private readonly Task _watchdog;
    private long _deadline;

    private EtcdLease(EtcdClient etcd, long id, TimeSpan ttl, long deadline, ILogger logger)
    {
        _etcd = etcd;
        Id = id;
        Ttl = ttl;
        _deadline = deadline;
        _logger = logger;
        _keepAlive = Task.Run(() => KeepAliveAsync(_stop.Token));
        _watchdog = Task.Run(() => WatchAsync(_stop.Token));
    }

    /// <summary>The lease id keys are bound to.</summary>
    public long Id { get; }

    /// <summary>The time to live etcd granted.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Completes when the lease is lost (or may be: its local deadline passed without a renewal).</summary>
    public Task Lost => _lost.Task;

    /// <summary>Whether <see cref="Lost"/> has completed.</summary>
    public bool IsLost => _lost.Task.IsCompleted;

    /// <summary>Whether the lease is held now: not lost, and its local deadline not passed (even if the watchdog has not run yet).</summary>
    public bool IsHeld => !IsLost && Stopwatch.GetTimestamp() < Interlocked.Read(ref _deadline);

    /// <summary>Grants a lease of <paramref name="ttl"/> (whole seconds, at least 1) and starts keeping it alive.</summary>
    /// <exception cref="RpcException">etcd did not answer within <paramref name="timeout"/>.</exception>
    public static async Task<EtcdLease> GrantAsync(EtcdClient etcd, TimeSpan ttl, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        ArgumentNullException.ThrowIfNull(logger);
        var seconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds));
        var sent = Stopwatch.GetTimestamp();
        var granted = await etcd.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(granted.Error))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"etcd refused a lease: {granted.Error}"));
        }

        var grantedTtl = TimeSpan.FromSeconds(granted.TTL);
        return new EtcdLease(etcd, granted.ID, grantedTtl, sent + ToTimestampTicks(grantedTtl), logger);
    }

    /// <summary>
    /// Stops renewing and revokes the lease, so etcd deletes the keys bound to it now rather than
    /// when it runs out (a stopping leader lets the next one take over at once). Best effort.
    /// </summary>
    public async Task RevokeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            await _etcd.LeaseRevokeAsync(new LeaseRevokeRequest { ID = Id }, deadline: DateTime.UtcNow + s_callTimeout).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            LogRevokeFailed(Id, ex.StatusCode);
        }
    }

    /// <summary>Stops renewing; the lease runs out in etcd on its own.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        _lost.TrySetResult();
        await Task.WhenAll(_keepAlive, _watchdog).ConfigureAwait(false);
    }

    /// <summary>Renews the lease every third of its time to live over one keep-alive stream, opened again when it breaks.</summary>
    private async Task KeepAliveAsync(CancellationToken stop)
    {
        var period = Ttl / 3;
        while (!stop.IsCancellationRequested && !IsLost)
        {
            try
            {
                using var call = _etcd.GetConnection().LeaseClient.LeaseKeepAlive(cancellationToken: stop);
                while (!stop.IsCancellationRequested && !IsLost)
                {
                    var sent = Stopwatch.GetTimestamp();
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = Id }, stop).ConfigureAwait(false);
                    using var answer = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    answer.CancelAfter(period);
                    if (!await call.ResponseStream.MoveNext(answer.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    var ttl = call.ResponseStream.Current.TTL;
                    if (ttl <= 0)
                    {
                        LogExpired(Id);
                        _lost.TrySetResult();
                        return;
                    }

                    Interlocked.Exchange(ref _deadline, sent + ToTimestampTicks(TimeSpan.FromSeconds(ttl)));
                    await Task.Delay(period, stop).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when ((ex is RpcException or OperationCanceledException or IOException) && !stop.IsCancellationRequested)
            {
                // A broken or silent stream: open a new one; the watchdog gives the lease up if
                // no renewal gets through before its deadline.
                LogRenewFailed(Id, ex.Message);
                await DelayQuietlyAsync(TimeSpan.FromMilliseconds(100), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Completes <see cref="Lost"/> when the local deadline passes without a renewal moving it.</summary>
    private async Task WatchAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !IsLost)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Interlocked.Read(ref _deadline));
            if (remaining <= TimeSpan.Zero)
            {
                LogDeadlinePassed(Id);
                _lost.TrySetResult();
                return;
            }

            await DelayQuietlyAsync(remaining, stop).ConfigureAwait(false);
        }
    }

    private static async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd lease {LeaseId} expired in etcd")]
    private partial void LogExpired(long leaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd lease {LeaseId} was not renewed before its deadline; counted as lost")]
    private partial void LogDeadlinePassed(long leaseId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "renewing etcd lease {LeaseId} failed: {Reason}")]
    private partial void LogRenewFailed(long leaseId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "revoking etcd lease {LeaseId} failed ({Status}); it runs out on its own")]
    private partial void LogRevokeFailed(long leaseId, StatusCode status);
}
