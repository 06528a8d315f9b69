using TinyKv.Bench.Measurement;

namespace TinyKv.Bench.Comparison;

/// <summary>What a comparison runs and with which bounds.</summary>
public sealed record CompareOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public long MaxOperations { get; init; } = 1_000_000;

    public int Keys { get; init; } = 1_000;

    public int Connections { get; init; } = 4;

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Client counts of the put rounds.</summary>
    public IReadOnlyList<int> PutClients { get; init; } = [1, 16, 64, 256];

    /// <summary>Client counts of the get rounds (after a preload of the key space).</summary>
    public IReadOnlyList<int> GetClients { get; init; } = [64, 256];

    /// <summary>Clients of the put round against the standalone server and the echo server.</summary>
    public int SingleServerClients { get; init; } = 64;

    public string? ServerBinary { get; init; }

    public string EtcdBinary { get; init; } = "/usr/bin/etcd";

    /// <summary>Where the data directories go (a fresh temporary directory when null); removed at the end.</summary>
    public string? WorkDirectory { get; init; }
}

/// <summary>
/// The side-by-side benchmark: a three-member etcd and a three-store tinykv cluster on
/// loopback, fresh data each, the same workloads against both, rounds interleaved (the etcd
/// round, then the tinykv round, for each workload), the servers' pids passed so CPU per
/// operation is theirs; then the standalone tinykv server and the echo server alone.
/// Every process it starts is killed by id when it returns or fails.
/// </summary>
public sealed class CompareRunner(CompareOptions options, TextWriter log)
{
    /// <summary>Runs every round and returns the report.</summary>
    public async Task<CompareReport> RunAsync(string commandLine, CancellationToken cancellationToken)
    {
        var server = ServerProgram.LocateTinyKvServer(options.ServerBinary);
        if (!File.Exists(options.EtcdBinary))
        {
            throw new FileNotFoundException($"etcd is not at {options.EtcdBinary}: install it (apt-get install -y etcd-server) or give --etcd-binary", options.EtcdBinary);
        }

        var machine = MachineInfo.Read(options.EtcdBinary);
        var work = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "tinykv-compare-" + Path.GetRandomFileName());
        Directory.CreateDirectory(work);
        using var group = new ChildProcessGroup();
        try
        {
            await log.WriteLineAsync($"starting etcd ({machine.Etcd}) and tinykv ({server.Path}) clusters under {work}").ConfigureAwait(false);
            var etcd = await EtcdCluster.StartAsync(group, options.EtcdBinary, work, cancellationToken).ConfigureAwait(false);
            var tinykv = await TinyKvCluster.StartReplicatedAsync(group, server, work, 3, cancellationToken).ConfigureAwait(false);
            var etcdPids = etcd.Members.Select(m => m.Pid).ToArray();
            var tinykvPids = tinykv.Servers.Select(s => s.Pid).ToArray();

            var rows = new List<CompareRow>();
            var preloaded = false;
            var plan = options.PutClients.Select(c => (Workload.Put, c)).Concat(options.GetClients.Select(c => (Workload.Get, c)));
            foreach (var (workload, clients) in plan)
            {
                var preload = workload == Workload.Get && !preloaded;
                preloaded |= preload;
                var etcdResult = await RoundAsync("etcd", TargetKind.Etcd, etcd.Endpoints, etcdPids, workload, clients, preload, etcd.Members, cancellationToken).ConfigureAwait(false);
                var tinykvResult = await RoundAsync("tinykv", TargetKind.TinyKv, tinykv.Endpoints, tinykvPids, workload, clients, preload, tinykv.Servers, cancellationToken).ConfigureAwait(false);
                rows.Add(new CompareRow(workload.ToString().ToLowerInvariant(), clients, etcdResult, tinykvResult));
            }

            var peaks = etcd.Members.Select(m => Peak(m)).Concat(tinykv.Servers.Select(s => Peak(s))).ToList();
            var singles = new List<SingleServerRow>();
            var standalone = await TinyKvCluster.StartStandaloneAsync(group, server, Path.Combine(work, "tinykv-standalone"), cancellationToken).ConfigureAwait(false);
            singles.Add(new SingleServerRow("tinykv standalone", await RoundAsync(
                "tinykv standalone", TargetKind.TinyKv, standalone.Endpoints, [standalone.Servers[0].Pid], Workload.Put, options.SingleServerClients, false, standalone.Servers, cancellationToken).ConfigureAwait(false)));
            peaks.Add(Peak(standalone.Servers[0]));
            var echo = await TinyKvCluster.StartEchoAsync(group, cancellationToken).ConfigureAwait(false);
            singles.Add(new SingleServerRow("echo (no work)", await RoundAsync(
                "echo", TargetKind.TinyKv, echo.Endpoints, [echo.Servers[0].Pid], Workload.Put, options.SingleServerClients, false, echo.Servers, cancellationToken).ConfigureAwait(false)));
            peaks.Add(Peak(echo.Servers[0]));

            return new CompareReport
            {
                Machine = machine,
                Command = commandLine,
                TinyKvServer = server.Path,
                DurationSeconds = options.Duration.TotalSeconds,
                WarmupSeconds = options.Warmup.TotalSeconds,
                Rows = rows,
                SingleServers = singles,
                PeakMemory = peaks,
            };
        }
        finally
        {
            group.Dispose();
            TryDelete(work, options.WorkDirectory is null);
        }
    }

    private async Task<RunResult> RoundAsync(
        string label, TargetKind target, string endpoints, int[] pids, Workload workload, int clients, bool preload, IReadOnlyList<ChildProcess> servers, CancellationToken cancellationToken)
    {
        var bench = new BenchOptions
        {
            Target = target,
            Endpoints = EndpointList.Parse(endpoints),
            Workload = workload,
            Clients = clients,
            Connections = options.Connections,
            Keys = options.Keys,
            Duration = options.Duration,
            Warmup = options.Warmup,
            MaxOperations = options.MaxOperations,
            Deadline = options.Deadline,
            Preload = preload,
            ServerPids = pids,
        };
        await log.WriteLineAsync($"{label}: {workload.ToString().ToLowerInvariant()} {clients} clients{(preload ? " (after a preload)" : "")}").ConfigureAwait(false);
        RunResult result;
        using (var runTarget = RunCommand.CreateTarget(bench))
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
