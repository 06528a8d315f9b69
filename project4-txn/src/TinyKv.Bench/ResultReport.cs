using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyKv.Bench;

/// <summary>A run's result as the lines a person reads, and as the JSON file a script reads.</summary>
public static class ResultReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The JSON options of every file the tool writes (snake_case names, indented).</summary>
    public static JsonSerializerOptions JsonOptions => s_json;

    /// <summary>The result as text: throughput, latency percentiles, errors and retries by kind, server usage.</summary>
    public static string Text(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"target {result.Target} ({result.Endpoints}), workload {result.Workload}, {result.Clients} clients over {result.Connections} connections per endpoint");
        text.AppendLine(c, $"keys {result.Keys} of {result.KeySize} B, values {result.ValueSize} B; warm-up {result.WarmupSeconds:0.#} s; window {result.ElapsedSeconds:0.00} s (ended by {result.StoppedBy})");
        if (result.Preload is { } preload)
        {
            text.AppendLine(c, $"preload: {preload.Written} keys written, {preload.Failed} failed in {preload.Seconds:0.00} s{(preload.Complete ? "" : " (stopped at its time limit)")}");
        }

        text.AppendLine(c, $"operations {result.Operations}: {result.Succeeded} succeeded, {result.Failed} failed; {result.Unanswered} in flight when the window closed (cancelled, not counted)");
        text.AppendLine(c, $"throughput {result.OpsPerSecond:0.0} ops/s");
        var l = result.Latency;
        text.AppendLine(c, $"latency (µs, successful operations): p50 {l.P50Micros}  p90 {l.P90Micros}  p99 {l.P99Micros}  p999 {l.P999Micros}  max {l.MaxMicros}  mean {l.MeanMicros:0}");
        text.AppendLine(c, $"errors: {Kinds(result.Errors)}");
        if (result.TxnAbortRate is { } aborted)
        {
            text.AppendLine(c, $"transactions aborted: {aborted:0.00%} of the operations");
        }

        text.AppendLine(c, $"retries: {Kinds(result.Retries)}");
        foreach (var server in result.Servers)
        {
            text.AppendLine(c, $"server pid {server.Pid}: cpu {(server.CpuMicros is { } cpu ? (cpu / 1000.0).ToString("0.0", c) + " ms" : "unknown")}, peak rss {(server.PeakRssKib is { } rss ? (rss / 1024.0).ToString("0.0", c) + " MiB" : "unknown")}");
        }

        if (result.CpuMicrosPerOp is { } perOp)
        {
            text.AppendLine(c, $"server cpu per successful operation: {perOp:0.0} µs");
        }

        return text.ToString();
    }

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="path"/>, creating its directory.</summary>
    public static async Task WriteJsonAsync<T>(string path, T value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, value, s_json, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Kinds(SortedDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));
}
