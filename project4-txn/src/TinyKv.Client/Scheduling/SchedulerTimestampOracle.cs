using System.Threading.Channels;
using Grpc.Core;
using TinyKv.Codec;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Client.Scheduling;

/// <summary>
/// The cluster's timestamp oracle: timestamps from the scheduler's TSO over one <c>Tso</c>
/// stream to the leader, as TinyKV's clients take them. Requests that arrive while a batch is
/// on the wire wait for the next one, which asks for all of them at once (<c>count</c>), so a
/// busy client makes one round trip for many transactions.
/// </summary>
/// <remarks>
/// <para>The scheduler answers a batch of <c>count</c> with its last timestamp; the batch is the
/// <c>count</c> consecutive logical values ending there, all above anything handed out before,
/// by any member that led before.</para>
/// <para>A stream that breaks (the leader moved or went away) is opened again on the leader the
/// <see cref="SchedulerLink"/> finds, and the waiting batch asked again; after the link's
/// patience the waiters fail with <see cref="SchedulerUnavailableException"/>. Thread-safe.</para>
/// </remarks>
public sealed class SchedulerTimestampOracle : ITimestampOracle, IAsyncDisposable
{
    private const int MostPerBatch = 4096;

    private readonly SchedulerLink _link;
    private readonly Channel<TaskCompletionSource<ulong>> _waiting = Channel.CreateUnbounded<TaskCompletionSource<ulong>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _pump;

    /// <summary>An oracle asking the scheduler behind <paramref name="link"/> (not disposed with the oracle).</summary>
    public SchedulerTimestampOracle(SchedulerLink link) => _link = link ?? throw new ArgumentNullException(nameof(link));

    /// <inheritdoc/>
    /// <exception cref="SchedulerUnavailableException">No scheduler leader answered within the link's patience.</exception>
    /// <exception cref="ObjectDisposedException">The oracle is disposed.</exception>
    public ValueTask<ulong> NextAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        var waiter = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_waiting.Writer.TryWrite(waiter), this);

        EnsurePump();
        return new ValueTask<ulong>(cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task);
    }

    /// <summary>Closes the stream; waiting callers fail with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _waiting.Writer.TryComplete();
        if (_pump is { } pump)
        {
            await pump.ConfigureAwait(false);
        }

        while (_waiting.Reader.TryRead(out var waiter))
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(SchedulerTimestampOracle)));
        }

        _stop.Dispose();
    }

    private void EnsurePump()
    {
        if (Volatile.Read(ref _pump) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _pump ??= Task.Run(PumpAsync);
        }
    }

    private async Task PumpAsync()
    {
        var stop = _stop.Token;
        var batch = new List<TaskCompletionSource<ulong>>();
        AsyncDuplexStreamingCall<TsoRequest, TsoResponse>? stream = null;
        Uri? streamLeader = null;
        try
        {
            while (await _waiting.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (batch.Count < MostPerBatch && _waiting.Reader.TryRead(out var waiter))
                {
                    batch.Add(waiter);
                }

                var deadline = DateTime.UtcNow + _link.Options.Patience;
                while (batch.Count > 0)
                {
                    try
                    {
                        if (stream is null)
                        {
                            var (client, address) = await _link.LeaderClientAsync(stop).ConfigureAwait(false);
                            stream = client.Tso(cancellationToken: stop);
                            streamLeader = address;
                        }

                        await stream.RequestStream.WriteAsync(new TsoRequest { Header = _link.Header, Count = (uint)batch.Count }, stop).ConfigureAwait(false);
                        if (!await stream.ResponseStream.MoveNext(stop).ConfigureAwait(false))
                        {
                            throw new RpcException(new Status(StatusCode.Unavailable, "the scheduler closed the TSO stream"));
                        }

                        Hand(stream.ResponseStream.Current, batch);
                        batch.Clear();
                    }
                    catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException && !stop.IsCancellationRequested)
                    {
                        stream?.Dispose();
                        stream = null;
                        if (streamLeader is not null)
                        {
                            _link.LeaderFailed(streamLeader);
                        }

                        if (DateTime.UtcNow >= deadline)
                        {
                            Fail(batch, new SchedulerUnavailableException($"no timestamp from the scheduler within {_link.Options.Patience.TotalSeconds:0.#} s: {ex.Message}", ex));
                            break;
                        }

                        await Task.Delay(_link.Options.RetryInterval, stop).ConfigureAwait(false);
                    }
                    catch (SchedulerUnavailableException ex)
                    {
                        Fail(batch, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            stream?.Dispose();
            Fail(batch, new ObjectDisposedException(nameof(SchedulerTimestampOracle)));
        }
    }

    // The answer to a batch of `waiting.Count`: the consecutive timestamps ending at the one given.
    private static void Hand(TsoResponse response, List<TaskCompletionSource<ulong>> waiting)
    {
        if (response.Header?.Error is { Type: not ErrorType.Ok } error)
        {
            Fail(waiting, new SchedulerUnavailableException($"the scheduler refused a timestamp: {error.Type}: {error.Message}"));
            return;
        }

        if (response.Timestamp is not { } last || response.Count != (uint)waiting.Count || (ulong)last.Logical < (ulong)waiting.Count - 1)
        {
            Fail(waiting, new SchedulerUnavailableException($"the scheduler answered a batch of {waiting.Count} timestamps with {response.Count} ending at {response.Timestamp}"));
            return;
        }

        var first = TsoLayout.Compose((ulong)last.Physical, (ulong)last.Logical - (ulong)waiting.Count + 1);
        for (var i = 0; i < waiting.Count; i++)
        {
            waiting[i].TrySetResult(first + (ulong)i);
        }
    }

    private static void Fail(List<TaskCompletionSource<ulong>> waiting, Exception error)
    {
        foreach (var waiter in waiting)
        {
            waiter.TrySetException(error);
        }

        waiting.Clear();
    }
}
