using System.Diagnostics;
using System.Globalization;

namespace TinyKv.Scheduler.Benchmarks;

/// <summary>
/// One measured round: how many requests the server handled in how long, what that cost the
/// server and this tool in CPU time, the latency percentiles where a request has an answer to
/// wait for, and the machine's load average around the round (other work shares the cores).
/// </summary>
public sealed record RoundResult(
    string Workload,
    int Streams,
    long Operations,
    TimeSpan Elapsed,
    TimeSpan ServerCpu,
    TimeSpan ClientCpu,
    double? P50Milliseconds,
    double? P99Milliseconds,
    long Errors,
    double LoadBefore,
    double LoadAfter)
{
    /// <summary>The table's header, in the order of <see cref="Cells"/>.</summary>
    public static readonly string[] Header =
        ["workload", "streams", "requests", "seconds", "requests/s", "p50 ms", "p99 ms", "errors", "server CPU-µs/request", "server cores", "tool cores", "load avg before → after"];

    /// <summary>Requests handled per second.</summary>
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>The row of this round in the results table.</summary>
    public string[] Cells() =>
    [
        Workload,
        Streams.ToString(CultureInfo.InvariantCulture),
        Operations.ToString("N0", CultureInfo.InvariantCulture),
        Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),
        PerSecond.ToString("N0", CultureInfo.InvariantCulture),
        P50Milliseconds?.ToString("F3", CultureInfo.InvariantCulture) ?? "-",
        P99Milliseconds?.ToString("F3", CultureInfo.InvariantCulture) ?? "-",
        Errors.ToString(CultureInfo.InvariantCulture),
        (ServerCpu.TotalMicroseconds / Math.Max(1, Operations)).ToString("F1", CultureInfo.InvariantCulture),
        (ServerCpu / Elapsed).ToString("F2", CultureInfo.InvariantCulture),
        (ClientCpu / Elapsed).ToString("F2", CultureInfo.InvariantCulture),
        string.Create(CultureInfo.InvariantCulture, $"{LoadBefore:F2} → {LoadAfter:F2}"),
    ];

    /// <summary>Writes <paramref name="results"/> as a Markdown table, numbers right-aligned.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<RoundResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Select(r => r.Cells()).Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))) + " |";
        output.WriteLine(Line(rows[0]));
        output.WriteLine("| " + string.Join(" | ", widths.Select((w, c) => c == 0 ? new string('-', w) : new string('-', w - 1) + ":")) + " |");
        foreach (var row in rows.Skip(1))
        {
            output.WriteLine(Line(row));
        }
    }
}

/// <summary>Takes the readings a <see cref="RoundResult"/> is made of, at the start and the end of a round.</summary>
public sealed class RoundMeter
{
    private readonly SchedulerProcess _server;
    private readonly long _start;
    private readonly TimeSpan _serverCpu;
    private readonly TimeSpan _clientCpu;
    private readonly double _load;

    /// <summary>Starts measuring now.</summary>
    public RoundMeter(SchedulerProcess server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _load = LoadAverage();
        _serverCpu = server.CpuTime;
        _clientCpu = Environment.CpuUsage.TotalTime;
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>Ends the round: the result of <paramref name="operations"/> requests handled since the start.</summary>
    public RoundResult Stop(string workload, int streams, long operations, long errors, IReadOnlyList<long>? latencyTicks = null)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start);
        var serverCpu = _server.CpuTime - _serverCpu;
        var clientCpu = Environment.CpuUsage.TotalTime - _clientCpu;
        return new RoundResult(
            workload, streams, operations, elapsed, serverCpu, clientCpu,
            Percentile(latencyTicks, 0.50), Percentile(latencyTicks, 0.99), errors, _load, LoadAverage());
    }

    /// <summary>The one-minute load average from /proc/loadavg (0 where there is none).</summary>
    public static double LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) && double.TryParse(File.ReadAllText(path).Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : 0;
    }

    /// <summary>The <paramref name="quantile"/> of latencies given in <see cref="Stopwatch"/> ticks, in milliseconds; they must be sorted.</summary>
    private static double? Percentile(IReadOnlyList<long>? sortedTicks, double quantile)
    {
        if (sortedTicks is not { Count: > 0 })
        {
            return null;
        }

        var index = Math.Min(sortedTicks.Count - 1, (int)Math.Ceiling(quantile * sortedTicks.Count) - 1);
        return sortedTicks[Math.Max(0, index)] * 1000.0 / Stopwatch.Frequency;
    }
}
