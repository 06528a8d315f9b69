using TinyKv.Bench.Measurement;

namespace TinyKv.Bench.Comparison;

/// <summary>The clusters and servers a comparison can start (<c>--clusters</c>).</summary>
[Flags]
public enum ComparedClusters
{
    None = 0,

    /// <summary>The 3-member etcd.</summary>
    Etcd = 1,

    /// <summary>The 3-store tinykv cluster of one region (<c>--store-id --cluster</c>).</summary>
    TinyKv = 2,

    /// <summary>The multi-region tinykv cluster: a scheduler and 3 stores with small regions.</summary>
    Regions = 4,

    /// <summary>The standalone tinykv server and the echo server, each alone.</summary>
    Standalone = 8,

    All = Etcd | TinyKv | Regions | Standalone,
}

/// <summary>What a comparison runs and with which bounds.</summary>
public sealed record CompareOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public long MaxOperations { get; init; } = 1_000_000;

    public int Keys { get; init; } = 1_000;

    /// <summary>
    /// Key size in bytes. 8 by default, not the 16 of a single run: regions split transactional
    /// data only between keys that differ in their first 8 bytes, and the bench's 16-byte keys
    /// (<c>k</c> and zero-padded digits) all share them, so the multi-region cluster would stay one region.
    /// </summary>
    public int KeySize { get; init; } = 8;

    public int Connections { get; init; } = 4;

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Client counts of the put rounds.</summary>
    public IReadOnlyList<int> PutClients { get; init; } = [1, 16, 64, 256];

    /// <summary>Client counts of the get rounds (after a preload of the key space).</summary>
    public IReadOnlyList<int> GetClients { get; init; } = [64, 256];

    /// <summary>Client counts of the transaction rounds (<see cref="TxnKeys"/> keys each).</summary>
    public IReadOnlyList<int> TxnClients { get; init; } = [64, 256];

    /// <summary>Keys written by one transaction of a txn round.</summary>
    public int TxnKeys { get; init; } = 2;

    /// <summary>Clients of the put round against the standalone server and the echo server.</summary>
    public int SingleServerClients { get; init; } = 64;

    /// <summary>Which clusters run; a round runs against each of them in turn.</summary>
    public ComparedClusters Clusters { get; init; } = ComparedClusters.All;

    public string? ServerBinary { get; init; }

    public string? SchedulerBinary { get; init; }

    public string EtcdBinary { get; init; } = "/usr/bin/etcd";

    /// <summary>Where the data directories go (a fresh temporary directory when null); removed at the end.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>The options every round shares; a round adds its target, workload and clients.</summary>
    public BenchOptions RoundTemplate() => new()
    {
        Endpoints = EndpointList.Parse("127.0.0.1:1"),
        Connections = Connections,
        Keys = Keys,
        KeySize = KeySize,
        TxnKeys = TxnKeys,
        Duration = Duration,
        Warmup = Warmup,
        MaxOperations = MaxOperations,
        Deadline = Deadline,
    };
}

/// <summary>
/// The side-by-side benchmark on loopback, fresh data each: a three-member etcd, a three-store
/// tinykv cluster of one region, and a multi-region tinykv cluster (a scheduler and three stores
/// whose small regions split a preloaded key space into at least eight regions). Each workload
/// runs against each cluster in turn (etcd, single-region, multi-region), the servers' pids
/// passed so CPU per operation is theirs; then the standalone tinykv server and the echo server
/// alone. Every process it starts is killed by id when it returns or fails.
/// </summary>
public sealed class CompareRunner(CompareOptions options, TextWriter log)
{
    /// <summary>Runs every round and returns the report.</summary>
    public async Task<CompareReport> RunAsync(string commandLine, CancellationToken cancellationToken)
    {
        var clusters = options.Clusters;
        var needsTinyKv = (clusters & ~ComparedClusters.Etcd) != ComparedClusters.None;
        var server = needsTinyKv ? ServerProgram.LocateTinyKvServer(options.ServerBinary) : null;
        var scheduler = clusters.HasFlag(ComparedClusters.Regions) ? ServerProgram.LocateSchedulerServer(options.SchedulerBinary) : null;
        if (clusters.HasFlag(ComparedClusters.Etcd) && !File.Exists(options.EtcdBinary))
        {
            throw new FileNotFoundException($"etcd is not at {options.EtcdBinary}: install it (apt-get install -y etcd-server) or give --etcd-binary", options.EtcdBinary);
        }

        var machine = MachineInfo.Read(options.EtcdBinary);
        var work = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "tinykv-compare-" + Path.GetRandomFileName());
        Directory.CreateDirectory(work);
        using var group = new ChildProcessGroup();
        try
        {
            await log.WriteLineAsync($"starting {clusters.ToString().ToLowerInvariant()} under {work}").ConfigureAwait(false);
            var template = options.RoundTemplate();
            var etcd = clusters.HasFlag(ComparedClusters.Etcd)
                ? await EtcdCluster.StartAsync(group, options.EtcdBinary, work, cancellationToken).ConfigureAwait(false)
                : null;
            var tinykv = clusters.HasFlag(ComparedClusters.TinyKv)
                ? await TinyKvCluster.StartReplicatedAsync(group, server!, work, 3, cancellationToken).ConfigureAwait(false)
                : null;
            MultiRegionCluster? regions = null;
            RegionSpread? afterPreload = null;
            if (scheduler is not null)
            {
                var (maxSize, splitSize) = MultiRegionClusterOptions.SizesFor(template.Keys, template.KeySize, template.ValueSize);
                regions = await MultiRegionCluster.StartAsync(
                    group, scheduler, server!, work, new MultiRegionClusterOptions { RegionMaxSize = maxSize, RegionSplitSize = splitSize }, cancellationToken).ConfigureAwait(false);
                await log.WriteLineAsync($"multi-region cluster: scheduler at {regions.SchedulerAddress}, regions split above {maxSize} B; preloading {template.Keys} keys").ConfigureAwait(false);
                (_, afterPreload) = await regions.PreloadAndSplitAsync(template, cancellationToken).ConfigureAwait(false);
                await log.WriteLineAsync($"  {afterPreload.Regions} regions, leaders by store {afterPreload.LeadersByStore}").ConfigureAwait(false);
            }

            var rows = new List<CompareRow>();
            var preloaded = false;
            var plan = options.PutClients.Select(c => (Workload.Put, c))
                .Concat(options.GetClients.Select(c => (Workload.Get, c)))
                .Concat(options.TxnClients.Select(c => (Workload.Txn, c)));
            foreach (var (workload, clients) in plan)
            {
                var preload = workload == Workload.Get && !preloaded;
                preloaded |= preload;
                var round = template with { Workload = workload, Clients = clients, Preload = preload };
                var etcdResult = etcd is null ? null : await RoundAsync(
                    "etcd", round with { Target = TargetKind.Etcd, Endpoints = EndpointList.Parse(etcd.Endpoints) }, etcd.Members, cancellationToken).ConfigureAwait(false);
                var tinykvResult = tinykv is null ? null : await RoundAsync(
                    "tinykv", round with { Endpoints = EndpointList.Parse(tinykv.Endpoints) }, tinykv.Servers, cancellationToken).ConfigureAwait(false);
                var regionsResult = regions is null ? null : await RoundAsync(
                    "tinykv multi-region", regions.RunOptions(round), regions.Processes, cancellationToken).ConfigureAwait(false);
                rows.Add(new CompareRow(workload.ToString().ToLowerInvariant(), clients, etcdResult, tinykvResult, regionsResult));
            }

            var peaks = new List<PeakMemory>();
            peaks.AddRange((etcd?.Members ?? []).Concat(tinykv?.Servers ?? []).Concat(regions?.Processes ?? []).Select(Peak));
            MultiRegionSetup? setup = null;
            if (regions is not null)
            {
                var atEnd = await regions.SpreadAsync(cancellationToken).ConfigureAwait(false);
                setup = new MultiRegionSetup(regions.Options.RegionMaxSize, regions.Options.RegionSplitSize, afterPreload!, atEnd);
            }

            var singles = new List<SingleServerRow>();
            if (clusters.HasFlag(ComparedClusters.Standalone))
            {
                var single = template with { Workload = Workload.Put, Clients = options.SingleServerClients };
                var standalone = await TinyKvCluster.StartStandaloneAsync(group, server!, Path.Combine(work, "tinykv-standalone"), cancellationToken).ConfigureAwait(false);
                singles.Add(new SingleServerRow("tinykv standalone", await RoundAsync(
                    "tinykv standalone", single with { Endpoints = EndpointList.Parse(standalone.Endpoints) }, standalone.Servers, cancellationToken).ConfigureAwait(false)));
                peaks.Add(Peak(standalone.Servers[0]));
                var echo = await TinyKvCluster.StartEchoAsync(group, cancellationToken).ConfigureAwait(false);
                singles.Add(new SingleServerRow("echo (no work)", await RoundAsync(
                    "echo", single with { Endpoints = EndpointList.Parse(echo.Endpoints) }, echo.Servers, cancellationToken).ConfigureAwait(false)));
                peaks.Add(Peak(echo.Servers[0]));
            }

            return new CompareReport
            {
                Machine = machine,
                Command = commandLine,
                TinyKvServer = server?.Path ?? "(not run)",
                DurationSeconds = options.Duration.TotalSeconds,
                WarmupSeconds = options.Warmup.TotalSeconds,
                Rows = rows,
                SingleServers = singles,
                PeakMemory = peaks,
                MultiRegion = setup,
            };
        }
        finally
        {
            group.Dispose();
            TryDelete(work, options.WorkDirectory is null);
        }
    }

    /// <summary>One round: <paramref name="bench"/> with the servers' pids, then a check that none of them ended.</summary>
    private async Task<RunResult> RoundAsync(string label, BenchOptions bench, IReadOnlyList<ChildProcess> servers, CancellationToken cancellationToken)
    {
        bench = bench with { ServerPids = [.. servers.Select(s => s.Pid)] };
        await log.WriteLineAsync($"{label}: {bench.Workload.ToString().ToLowerInvariant()} {bench.Clients} clients{(bench.Preload ? " (after a preload)" : "")}").ConfigureAwait(false);
        RunResult result;
        var runTarget = RunCommand.CreateTarget(bench);
        await using (runTarget.ConfigureAwait(false))
        {
            result = await new LoadRunner(bench, runTarget).RunAsync(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await log.WriteLineAsync($"  {result.OpsPerSecond:0} ops/s, p50 {result.Latency.P50Micros} µs, p99 {result.Latency.P99Micros} µs, errors {CompareTable.Errors(result)}").ConfigureAwait(false);
        if (servers.FirstOrDefault(s => s.HasExited) is { } gone)
        {
            throw new InvalidOperationException($"{gone.Name} exited during the round: {gone.Output}");
        }

        return result;
    }

    private static PeakMemory Peak(ChildProcess process) => new(process.Name, process.Pid, ProcessSample.Read(process.Pid)?.PeakRssKib);

    private static void TryDelete(string directory, bool ours)
    {
        if (!ours)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary directory is cleaned by the system later.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
