using System.Diagnostics;
using HdrHistogram;
using TinyKv.Bench.Measurement;
using TinyKv.Bench.Targets;

namespace TinyKv.Bench;

/// <summary>
/// Runs closed-loop clients against a target: each client sends its next operation when the
/// previous one answered. The clients first run for the warm-up (not counted), then the
/// measured window opens and lasts until <see cref="BenchOptions.Duration"/> has passed or
/// <see cref="BenchOptions.MaxOperations"/> operations were issued in it, whichever comes
/// first. At the end of the duration, operations still in flight are cancelled and not counted.
/// </summary>
public sealed class LoadRunner
{
    /// <summary>How many clients write the key space in a preload at most.</summary>
    public const int PreloadClients = 16;

    private readonly BenchOptions _options;
    private readonly IBenchTarget _target;
    private readonly KeySpace _keys;
    private long _tickets;
    private long _completed;
    private long _failed;
    private long _inFlight;
    private volatile bool _measuring;
    private volatile bool _closed;
    private readonly Stopwatch _window = new();

    public LoadRunner(BenchOptions options, IBenchTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        options.Validate();
        _options = options;
        _target = target;
        _keys = new KeySpace(options.Keys, options.KeySize);
    }

    /// <summary>Where the run is, for a progress display: <c>preload</c>, <c>warm-up</c>, <c>measuring</c> or <c>done</c>.</summary>
    public string Phase { get; private set; } = "starting";

    /// <summary>Operations counted so far in the measured window.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Failed operations counted so far in the measured window.</summary>
    public long FailedSoFar => Interlocked.Read(ref _failed);

    /// <summary>How far the measured window is, from 0 to 1: by time or by operations, whichever is further.</summary>
    public double Progress => !_measuring ? 0 : Math.Min(1, Math.Max(
        (double)Completed / _options.MaxOperations,
        _window.Elapsed / _options.Duration));

    /// <summary>Runs the preload (when asked), the warm-up and the measured window.</summary>
    /// <param name="cancellationToken">Ends the run early (Ctrl-C); what was measured until then is returned.</param>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        PreloadResult? preload = null;
        if (_options.Preload)
        {
            Phase = "preload";
            preload = await PreloadAsync(cancellationToken).ConfigureAwait(false);
        }

        var clients = Enumerable.Range(0, _options.Clients).Select(_target.CreateClient).ToArray();
        var histograms = clients.Select(_ => LatencySummary.NewHistogram()).ToArray();
        var errors = new ErrorTally();
        var retries = new ErrorTally();
        var meter = new ServerMeter(_options.ServerPids);
        var value = new byte[_options.ValueSize];
        new Random(_options.Seed).NextBytes(value);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Phase = _options.Warmup > TimeSpan.Zero ? "warm-up" : "measuring";
        if (_options.Warmup == TimeSpan.Zero)
        {
            meter.Start();
            _window.Start();
            _measuring = true;
        }

        var loops = Task.WhenAll(clients.Select((client, i) =>
            Task.Run(() => ClientLoopAsync(client, i, value, histograms[i], errors, retries, stop.Token), CancellationToken.None)));

        if (_options.Warmup > TimeSpan.Zero)
        {
            await Task.WhenAny(loops, Task.Delay(_options.Warmup, stop.Token)).ConfigureAwait(false);
            meter.Start();
            _window.Start();
            _measuring = true;
            Phase = "measuring";
        }

        var stoppedBy = "max-ops";
        if (!loops.IsCompleted)
        {
            var timer = Task.Delay(_options.Duration, stop.Token);
            var first = await Task.WhenAny(loops, timer).ConfigureAwait(false);
            if (first == timer)
            {
                stoppedBy = cancellationToken.IsCancellationRequested ? "cancelled" : "duration";
            }
        }

        // Close the window before cancelling, so an operation cancelled by the stop is not counted.
        _closed = true;
        _window.Stop();
        var unanswered = Interlocked.Read(ref _inFlight);
        var usage = meter.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await loops.ConfigureAwait(false);
        Phase = "done";

        return new RunResult
        {
            Target = _options.Schedulers is null ? _options.Target.ToString().ToLowerInvariant() : "tinykv-regions",
            Endpoints = _options.Endpoints.ToString(),
            Workload = _options.Workload.ToString().ToLowerInvariant(),
            Clients = _options.Clients,
            Connections = _options.Connections,
            KeySize = _options.KeySize,
            ValueSize = _options.ValueSize,
            Keys = _options.Keys,
            DurationLimitSeconds = _options.Duration.TotalSeconds,
            MaxOperations = _options.MaxOperations,
            WarmupSeconds = _options.Warmup.TotalSeconds,
            StoppedBy = stoppedBy,
            ElapsedSeconds = _window.Elapsed.TotalSeconds,
            Succeeded = Completed - FailedSoFar,
            Failed = FailedSoFar,
            Unanswered = stoppedBy == "max-ops" ? 0 : unanswered,
            Latency = LatencySummary.Of(histograms),
            Errors = errors.Snapshot(),
            Retries = retries.Snapshot(),
            Servers = usage,
            Preload = preload,
        };
    }

    private async Task ClientLoopAsync(
        IBenchClient client, int index, byte[] value, LongHistogram histogram, ErrorTally errors, ErrorTally retries, CancellationToken stop)
    {
        var random = new Random(_options.Seed + index);
        while (!stop.IsCancellationRequested)
        {
            var measured = _measuring;
            if (measured && Interlocked.Increment(ref _tickets) > _options.MaxOperations)
            {
                return;
            }

            if (measured)
            {
                Interlocked.Increment(ref _inFlight);
            }

            var started = Stopwatch.GetTimestamp();
            OpOutcome outcome;
            try
            {
                outcome = await NextOperation(client, random, value, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                if (measured)
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }

            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (!measured || _closed || stop.IsCancellationRequested)
            {
                continue; // Warm-up, or answered after the window closed (likely cancelled by the stop).
            }

            foreach (var retry in outcome.Retries)
            {
                retries.Add(retry);
            }

            if (outcome.Error is { } error)
            {
                errors.Add(error);
                Interlocked.Increment(ref _failed);
            }
            else
            {
                LatencySummary.Record(histogram, micros);
            }

            Interlocked.Increment(ref _completed);
        }
    }

    private Task<OpOutcome> NextOperation(IBenchClient client, Random random, byte[] value, CancellationToken cancellationToken)
    {
        var key = _keys.Key(random.Next(_keys.Count));
        return _options.Workload switch
        {
            Workload.Put => client.PutAsync(key, value, cancellationToken),
            Workload.Get => client.GetAsync(key, cancellationToken),
            Workload.Mixed => random.NextDouble() < _options.ReadFraction
                ? client.GetAsync(key, cancellationToken)
                : client.PutAsync(key, value, cancellationToken),
            Workload.Txn => client.TxnAsync(TxnKeys(random), value, cancellationToken),
            _ => throw new UnreachableException($"workload {_options.Workload}"),
        };
    }

    /// <summary>Distinct keys for one transaction, in key order.</summary>
    private byte[][] TxnKeys(Random random)
    {
        var picked = new SortedSet<int>();
        while (picked.Count < _options.TxnKeys)
        {
            picked.Add(random.Next(_keys.Count));
        }

        return [.. picked.Select(_keys.Key)];
    }

    /// <summary>
    /// Writes every key once with up to <see cref="PreloadClients"/> clients. Bounded: each
    /// write by its deadline and retries, the whole by ten times the run's duration.
    /// </summary>
    public async Task<PreloadResult> PreloadAsync(CancellationToken cancellationToken)
    {
        var clients = Math.Min(PreloadClients, _options.Clients);
        var value = new byte[_options.ValueSize];
        new Random(_options.Seed).NextBytes(value);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.Duration * 10);
        long next = -1, written = 0, failed = 0;
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var client = _target.CreateClient(i);
            long index;
            while ((index = Interlocked.Increment(ref next)) < _keys.Count && !limit.IsCancellationRequested)
            {
                try
                {
                    var outcome = await client.PutAsync(_keys.Key((int)index), value, limit.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref outcome.Succeeded ? ref written : ref failed);
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    return;
                }
            }
        }, CancellationToken.None))).ConfigureAwait(false);

        return new PreloadResult(written, failed, elapsed.Elapsed.TotalSeconds, !limit.IsCancellationRequested);
    }
}
