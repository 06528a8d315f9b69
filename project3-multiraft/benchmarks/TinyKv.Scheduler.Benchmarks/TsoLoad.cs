using System.Diagnostics;
using Grpc.Net.Client;
using TinyKv.Proto.Schedulerpb;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Scheduler.Benchmarks;

/// <summary>
/// Timestamps the way transactions ask for them: each of N concurrent <c>Tso</c> streams asks for
/// one timestamp, waits for it, and asks again (a closed loop), spread over a few connections.
/// Every stream checks that its timestamps strictly increase.
/// </summary>
public static class TsoLoad
{
    /// <summary>What one stream measured: requests answered in the window, their latencies (ticks), answers that went backwards or carried an error.</summary>
    private sealed record StreamResult(long Answered, List<long> Latencies, long Errors);

    /// <summary>
    /// Runs <paramref name="streams"/> streams over <paramref name="channels"/> for
    /// <paramref name="warmup"/> (not counted) and then <paramref name="duration"/>, and returns
    /// the round measured by <paramref name="meter"/>, started when the warm-up ends.
    /// </summary>
    public static async Task<RoundResult> RunAsync(
        IReadOnlyList<GrpcChannel> channels, ulong clusterId, int streams, TimeSpan warmup, TimeSpan duration, Func<RoundMeter> meter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(meter);
        var header = new RequestHeader { ClusterId = clusterId };
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, streams)
            .Select(i => StreamAsync(new SchedulerClient(channels[i % channels.Count]), header, measureFrom, measureTo, cancellationToken))
            .ToList();

        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        var round = meter();
        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var latencies = results.SelectMany(r => r.Latencies).Order().ToList();
        var measured = round.Stop($"tso ({streams} {(streams == 1 ? "stream" : "streams")})", streams, results.Sum(r => r.Answered), results.Sum(r => r.Errors), latencies);

        // The meter ran from the end of the warm-up to the last answer; the window is the duration asked for.
        return measured with { Elapsed = duration };
    }

    private static async Task<StreamResult> StreamAsync(SchedulerClient client, RequestHeader header, long measureFrom, long measureTo, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var call = client.Tso(cancellationToken: cancellationToken);
        var request = new TsoRequest { Header = header, Count = 1 };
        var latencies = new List<long>();
        var (answered, errors, last) = (0L, 0L, 0L);
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= measureTo)
            {
                break;
            }

            await call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the server ended a Tso stream");
            }

            var now = Stopwatch.GetTimestamp();
            var response = call.ResponseStream.Current;
            var ts = (response.Timestamp.Physical << 18) | response.Timestamp.Logical;
            var bad = response.Header?.Error is not null || ts <= last;
            last = Math.Max(last, ts);
            if (now >= measureFrom && now < measureTo)
            {
                answered++;
                latencies.Add(now - sent);
                errors += bad ? 1 : 0;
            }
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            // Nothing is outstanding; read to the end of the call.
        }

        return new StreamResult(answered, latencies, errors);
    }
}
