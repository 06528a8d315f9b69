using System.Globalization;
using System.Text;

namespace TinyKv.Bench.Comparison;

/// <summary>A comparison as markdown: the side-by-side table, the single servers, peak memory and the machine.</summary>
public static class CompareTable
{
    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    /// <summary>Reads a comparison written by <see cref="ResultReport.WriteJsonAsync{T}"/>.</summary>
    /// <exception cref="System.Text.Json.JsonException">The file is not a comparison's JSON.</exception>
    public static async Task<CompareReport> ReadJsonAsync(string path, CancellationToken cancellationToken = default)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync<CompareReport>(stream, ResultReport.JsonOptions, cancellationToken).ConfigureAwait(false)
                ?? throw new System.Text.Json.JsonException($"{path} holds no comparison");
        }
    }

    public static string Markdown(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine(s_c, $"Each round: {report.WarmupSeconds:0.#} s warm-up, then {report.DurationSeconds:0.#} s measured (or the operation cap). Latencies in ms; CPU-µs/op is the servers' user+system CPU time (all members together) per successful operation; errors are failed operations by kind (and, when none succeeded, the operations still waiting when the round ended); a txn round adds the share of its operations that ended as an aborted transaction.");
        text.AppendLine();
        if (report.Rows.Any(row => row.Etcd is not null || row.TinyKv is not null))
        {
            text.AppendLine("| workload | etcd ops/s | etcd p50 | etcd p99 | etcd errors | etcd CPU-µs/op | tinykv ops/s | tinykv p50 | tinykv p99 | tinykv errors | tinykv CPU-µs/op | tinykv/etcd ops/s |");
            text.AppendLine("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
            foreach (var row in report.Rows)
            {
                text.AppendLine(s_c, $"| {row.Workload} {row.Clients} | {Cells(row.Etcd)} | {Cells(row.TinyKv)} | {Ratio(row.Ratio)} |");
            }
        }

        if (report.Rows.Any(row => row.Regions is not null))
        {
            text.AppendLine();
            if (report.MultiRegion is { } setup)
            {
                text.AppendLine(s_c, $"Multi-region tinykv: a scheduler and 3 stores, regions split above {setup.RegionMaxSize:#,0} B (split size {setup.RegionSplitSize:#,0} B); {setup.AfterPreload.Regions} regions after the preload (leaders by store {setup.AfterPreload.LeadersByStore}), {setup.AtEnd.Regions} at the end (leaders by store {setup.AtEnd.LeadersByStore}). Its CPU-µs/op counts the stores and the scheduler.");
                text.AppendLine();
            }

            text.AppendLine("| workload | multi-region ops/s | multi-region p50 | multi-region p99 | multi-region errors | multi-region CPU-µs/op | multi-region/etcd ops/s | multi-region/single-region ops/s |");
            text.AppendLine("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
            foreach (var row in report.Rows)
            {
                text.AppendLine(s_c, $"| {row.Workload} {row.Clients} | {Cells(row.Regions)} | {Ratio(row.RegionsToEtcd)} | {Ratio(row.RegionsToSingleRegion)} |");
            }
        }

        if (report.SingleServers.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| single server | workload | ops/s | p50 | p99 | errors | CPU-µs/op |");
            text.AppendLine("| --- | --- | ---: | ---: | ---: | --- | ---: |");
            foreach (var single in report.SingleServers)
            {
                text.AppendLine(s_c, $"| {single.Server} | {single.Result.Workload} {single.Result.Clients} | {Cells(single.Result)} |");
            }
        }

        if (report.PeakMemory.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(s_c, $"Peak resident memory (VmHWM) at the end: {string.Join("; ", report.PeakMemory.Select(m => $"{m.Server} {(m.PeakRssKib is { } kib ? (kib / 1024.0).ToString("0", s_c) + " MiB" : "unknown")}"))}.");
        }

        var m = report.Machine;
        text.AppendLine();
        text.AppendLine(s_c, $"Machine: {m.Cores} cores ({m.CpuModel}), {m.Memory} memory, {m.OperatingSystem}, {m.DotNet}, {m.Etcd}; tinykv-server from {report.TinyKvServer}.");
        text.AppendLine();
        text.AppendLine(s_c, $"Command: `{report.Command}`");
        return text.ToString();
    }

    /// <summary>ops/s | p50 | p99 | errors | CPU-µs/op of one run; dashes for a cluster that did not run.</summary>
    public static string Cells(RunResult? result)
    {
        if (result is null)
        {
            return "— | — | — | — | —";
        }

        var none = result.Succeeded == 0;
        return string.Join(" | ",
            result.OpsPerSecond.ToString("#,0", s_c),
            none ? "—" : Millis(result.Latency.P50Micros),
            none ? "—" : Millis(result.Latency.P99Micros),
            Errors(result),
            result.CpuMicrosPerOp is { } cpu ? cpu.ToString("#,0", s_c) : "—");
    }

    /// <summary>
    /// "0", or the failed count with the kinds: "120 (deadline 118, region:not_leader 2)"; when
    /// nothing succeeded, also how many operations were still waiting when the round ended; for
    /// a txn round, the share of aborted transactions: "3 (txn:conflict 3); 0.05% aborted".
    /// </summary>
    public static string Errors(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failed = result.Failed == 0
            ? "0"
            : string.Create(s_c, $"{result.Failed:#,0} ({string.Join(", ", result.Errors.Select(e => string.Create(s_c, $"{e.Key} {e.Value:#,0}")))})");
        // Every closed-loop client has one operation in flight when a round ends; that says
        // something only when no operation succeeded at all.
        var cell = result.Succeeded > 0 || result.Unanswered == 0
            ? failed
            : string.Create(s_c, $"{failed}; none succeeded, {result.Unanswered:#,0} in flight at the end");
        return result.TxnAbortRate is { } aborted ? string.Create(s_c, $"{cell}; {aborted:0.00%} aborted") : cell;
    }

    private static string Ratio(double? ratio) => ratio is { } value ? value.ToString("0.00", s_c) : "—";

    private static string Millis(long micros) => (micros / 1000.0).ToString(micros < 10_000 ? "0.00" : "0.0", s_c);
}
