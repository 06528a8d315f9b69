using System.CommandLine;
using System.Globalization;

namespace TinyKv.Bench.Comparison;

/// <summary><c>tinykv-bench compare</c>: the side-by-side benchmark with etcd (<see cref="CompareRunner"/>).</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var defaults = new CompareOptions();
        var duration = new Option<double>("--duration") { Description = "Measured seconds of each round", DefaultValueFactory = _ => defaults.Duration.TotalSeconds };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds before each round (not counted)", DefaultValueFactory = _ => defaults.Warmup.TotalSeconds };
        var maxOps = new Option<long>("--max-ops") { Description = "Operations one round issues at most", DefaultValueFactory = _ => defaults.MaxOperations };
        var keys = new Option<int>("--keys") { Description = "Distinct keys (the get rounds preload them once)", DefaultValueFactory = _ => defaults.Keys };
        var keySize = new Option<int>("--key-size") { Description = "Key size in bytes (8 by default: transactional data splits only between keys that differ in their first 8 bytes, see docs/benchmarks.md)", DefaultValueFactory = _ => defaults.KeySize };
        var connections = new Option<int>("--connections") { Description = "gRPC channels per endpoint", DefaultValueFactory = _ => defaults.Connections };
        var deadline = new Option<double>("--deadline") { Description = "Deadline of each request, in seconds", DefaultValueFactory = _ => defaults.Deadline.TotalSeconds };
        var putClients = new Option<string>("--put-clients") { Description = "Client counts of the put rounds", DefaultValueFactory = _ => string.Join(",", defaults.PutClients) };
        var getClients = new Option<string>("--get-clients") { Description = "Client counts of the get rounds", DefaultValueFactory = _ => string.Join(",", defaults.GetClients) };
        var txnClients = new Option<string>("--txn-clients") { Description = "Client counts of the transaction rounds", DefaultValueFactory = _ => string.Join(",", defaults.TxnClients) };
        var txnKeys = new Option<int>("--txn-keys") { Description = "Keys written by one transaction of a txn round", DefaultValueFactory = _ => defaults.TxnKeys };
        var clusters = new Option<string>("--clusters")
        {
            Description = "What to start and measure, comma-separated: etcd (3 members), tinykv (3 stores, one region), regions (a scheduler and 3 stores, at least 8 regions), standalone (the standalone server and the echo server)",
            DefaultValueFactory = _ => "etcd,tinykv,regions,standalone",
        };
        var serverBinary = new Option<string?>("--server-binary") { Description = "tinykv-server to run (.dll through dotnet, or an executable); default: the repository's Release build" };
        var schedulerBinary = new Option<string?>("--scheduler-binary") { Description = "tinyscheduler-server to run for the multi-region cluster; default: the repository's Release build" };
        var etcdBinary = new Option<string>("--etcd-binary") { Description = "etcd to run", DefaultValueFactory = _ => defaults.EtcdBinary };
        var workDir = new Option<string?>("--work-dir") { Description = "Directory for the servers' data (default: a fresh temporary one, removed at the end)" };
        var output = new Option<string>("--out") { Description = "Markdown file for the table", DefaultValueFactory = _ => "bench-results/compare.md" };
        var json = new Option<string>("--json") { Description = "JSON file for every result", DefaultValueFactory = _ => "bench-results/compare.json" };
        var fromJson = new Option<string?>("--from-json") { Description = "Run nothing: print (and write to --out) the table of a comparison saved earlier with --json" };
        var command = new Command("compare", "Start a 3-member etcd, a 3-store tinykv cluster of one region and a multi-region tinykv cluster (scheduler and 3 stores) on loopback and run the same workloads against each, rounds interleaved; then the standalone tinykv server and the echo server; print markdown tables")
        {
            duration, warmup, maxOps, keys, keySize, connections, deadline, putClients, getClients, txnClients, txnKeys, clusters,
            serverBinary, schedulerBinary, etcdBinary, workDir, output, json, fromJson,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(fromJson) is { } saved)
            {
                try
                {
                    await WriteTableAsync(CompareTable.Markdown(await CompareTable.ReadJsonAsync(saved, cancellationToken).ConfigureAwait(false)), parse.GetValue(output)!).ConfigureAwait(false);
                    return 0;
                }
                catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"tinykv-bench compare: cannot read {saved}: {ex.Message}").ConfigureAwait(false);
                    return 1;
                }
            }

            CompareOptions options;
            try
            {
                options = new CompareOptions
                {
                    Duration = RunCommand.Seconds("--duration", parse.GetValue(duration)),
                    Warmup = RunCommand.Seconds("--warmup", parse.GetValue(warmup)),
                    MaxOperations = parse.GetValue(maxOps),
                    Keys = parse.GetValue(keys),
                    KeySize = parse.GetValue(keySize),
                    Connections = parse.GetValue(connections),
                    Deadline = RunCommand.Seconds("--deadline", parse.GetValue(deadline)),
                    PutClients = ParseCounts("--put-clients", parse.GetValue(putClients)!),
                    GetClients = ParseCounts("--get-clients", parse.GetValue(getClients)!),
                    TxnClients = ParseCounts("--txn-clients", parse.GetValue(txnClients)!),
                    TxnKeys = parse.GetValue(txnKeys),
                    Clusters = ParseClusters(parse.GetValue(clusters)!),
                    ServerBinary = parse.GetValue(serverBinary),
                    SchedulerBinary = parse.GetValue(schedulerBinary),
                    EtcdBinary = parse.GetValue(etcdBinary)!,
                    WorkDirectory = parse.GetValue(workDir),
                };

                // The rounds' own options are checked the way a single run's are.
                foreach (var clients in options.PutClients.Concat(options.GetClients).Concat(options.TxnClients))
                {
                    (options.RoundTemplate() with { Clients = clients }).Validate();
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                await Console.Error.WriteLineAsync($"tinykv-bench compare: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            CompareReport report;
            try
            {
                report = await new CompareRunner(options, Console.Error).RunAsync("tinykv-bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("tinykv-bench compare: interrupted; every server it started was stopped").ConfigureAwait(false);
                return 130;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                await Console.Error.WriteLineAsync($"tinykv-bench compare: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            await WriteTableAsync(CompareTable.Markdown(report), parse.GetValue(output)!).ConfigureAwait(false);
            var jsonPath = parse.GetValue(json)!;
            await ResultReport.WriteJsonAsync(jsonPath, report, CancellationToken.None).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"results written to {jsonPath}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task WriteTableAsync(string markdown, string path)
    {
        Console.Write(markdown);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, markdown, CancellationToken.None).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"table written to {path}").ConfigureAwait(false);
    }

    /// <summary>A comma-separated list of what to compare: etcd, tinykv, regions, standalone.</summary>
    /// <exception cref="FormatException">An item is none of those, or the list is empty.</exception>
    public static ComparedClusters ParseClusters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chosen = ComparedClusters.None;
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            chosen |= item.ToLowerInvariant() switch
            {
                "etcd" => ComparedClusters.Etcd,
                "tinykv" => ComparedClusters.TinyKv,
                "regions" => ComparedClusters.Regions,
                "standalone" => ComparedClusters.Standalone,
                _ => throw new FormatException($"--clusters: '{item}' is none of etcd, tinykv, regions, standalone"),
            };
        }

        return chosen != ComparedClusters.None ? chosen : throw new FormatException("--clusters names nothing to run: give some of etcd, tinykv, regions, standalone");
    }

    /// <summary>A comma-separated list of client counts.</summary>
    /// <exception cref="FormatException">An item is not a whole number.</exception>
    public static int[] ParseCounts(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
            int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                ? count
                : throw new FormatException($"{option}: '{item}' is not a number of clients"))];
    }
}
