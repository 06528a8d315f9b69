using System.Globalization;
using Google.Protobuf;
using TinyKv.Bench.Targets;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Bench.Comparison;

/// <summary>How a <see cref="MultiRegionCluster"/> is started and how far it must split before it counts as ready.</summary>
public sealed record MultiRegionClusterOptions
{
    /// <summary>How many <c>tinykv-server --scheduler</c> stores join.</summary>
    public int Stores { get; init; } = 3;

    /// <summary>A region splits once it holds about this many bytes (<c>--region-max-size</c>).</summary>
    public required ulong RegionMaxSize { get; init; }

    /// <summary>The size of the left part of a split (<c>--region-split-size</c>).</summary>
    public required ulong RegionSplitSize { get; init; }

    /// <summary>The stores' raft base tick in milliseconds, or null for the server's default (100 ms).</summary>
    public int? RaftTickMilliseconds { get; init; }

    /// <summary>How many regions, each with a leader and a full set of peers, the cluster must reach after the preload.</summary>
    public int MinRegions { get; init; } = 8;

    /// <summary>How long to wait for the stores to take writes, and again for the regions to appear.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Once there are enough regions, how much longer to wait for the scheduler's leader balancing
    /// to give every store some leaders (right after the splits, one store often leads them all).
    /// The cluster counts as ready either way; the spread is reported.
    /// </summary>
    public TimeSpan LeaderSpreadPatience { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Region sizes that cut a key space of <paramref name="keys"/> keys (key and value sizes in
    /// bytes) into at least ten regions: the maximum a tenth of the data, the split size half of that.
    /// Once splitting stops every region holds at most the maximum, so there are at least ten.
    /// </summary>
    public static (ulong MaxSize, ulong SplitSize) SizesFor(int keys, int keySize, int valueSize)
    {
        var total = (ulong)keys * (ulong)(keySize + valueSize);
        var max = Math.Max(total / 10, 256);
        return (max, max / 2);
    }
}

/// <summary>What the scheduler reported of a multi-region cluster at one moment.</summary>
/// <param name="Regions">How many regions there are.</param>
/// <param name="LeadersByStore">How many regions each store leads, by store id, in id order (<c>1:4, 2:3, 3:4</c>).</param>
public sealed record RegionSpread(int Regions, string LeadersByStore);

/// <summary>
/// A multi-region TinyKV cluster on loopback: one <c>tinyscheduler-server</c> and
/// <see cref="MultiRegionClusterOptions.Stores"/> <c>tinykv-server --scheduler</c> stores with
/// small region sizes, each over a fresh data directory. Started, it is preloaded with a key
/// space and waited on until the scheduler's <c>ScanRegions</c> shows enough regions, each
/// with a leader and a peer on every store.
/// </summary>
public sealed class MultiRegionCluster
{
    private MultiRegionCluster(ChildProcess scheduler, IReadOnlyList<ChildProcess> stores, string schedulerAddress, MultiRegionClusterOptions options)
    {
        Scheduler = scheduler;
        Stores = stores;
        SchedulerAddress = schedulerAddress;
        Options = options;
    }

    public ChildProcess Scheduler { get; }

    public IReadOnlyList<ChildProcess> Stores { get; }

    /// <summary>Every process of the cluster: the scheduler, then the stores.</summary>
    public IReadOnlyList<ChildProcess> Processes => [Scheduler, .. Stores];

    /// <summary>host:port of the scheduler, for <c>--scheduler</c>.</summary>
    public string SchedulerAddress { get; }

    public MultiRegionClusterOptions Options { get; }

    /// <summary>
    /// Starts the scheduler and the stores (kept in <paramref name="group"/>) under
    /// <paramref name="dataRoot"/> and waits until a write through the region-aware client succeeds.
    /// </summary>
    /// <exception cref="TimeoutException">The cluster took no write within <see cref="MultiRegionClusterOptions.Patience"/>.</exception>
    /// <exception cref="InvalidOperationException">A process ended while starting.</exception>
    public static async Task<MultiRegionCluster> StartAsync(
        ChildProcessGroup group, ServerProgram schedulerProgram, ServerProgram storeProgram, string dataRoot, MultiRegionClusterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(schedulerProgram);
        ArgumentNullException.ThrowIfNull(storeProgram);
        ArgumentNullException.ThrowIfNull(options);
        var scheduler = group.Start("tinyscheduler", schedulerProgram.FileName, schedulerProgram.Arguments(
            "--addr", "127.0.0.1:0", "--data-dir", Path.Combine(dataRoot, "regions-scheduler")));
        var schedulerAddress = await scheduler.WaitListeningAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);

        // A store registers its address with the scheduler, so it needs a real port, not 0.
        var ports = FreePorts.Take(options.Stores);
        var stores = new List<ChildProcess>();
        for (var i = 0; i < options.Stores; i++)
        {
            var name = (i + 1).ToString(CultureInfo.InvariantCulture);
            List<string> arguments =
            [
                "--scheduler", schedulerAddress,
                "--addr", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{ports[i]}"),
                "--data-dir", Path.Combine(dataRoot, "regions-store-" + name),
                "--region-max-size", options.RegionMaxSize.ToString(CultureInfo.InvariantCulture),
                "--region-split-size", options.RegionSplitSize.ToString(CultureInfo.InvariantCulture),
                "--log-level", "warn",
            ];
            if (options.RaftTickMilliseconds is { } tick)
            {
                arguments.AddRange(["--raft-tick-ms", tick.ToString(CultureInfo.InvariantCulture)]);
            }

            stores.Add(group.Start("tinykv regions store " + name, storeProgram.FileName, storeProgram.Arguments([.. arguments])));
        }

        foreach (var store in stores)
        {
            await store.WaitListeningAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }

        var cluster = new MultiRegionCluster(scheduler, stores, schedulerAddress, options);
        await cluster.WaitWritableAsync(cancellationToken).ConfigureAwait(false);
        return cluster;
    }

    /// <summary>The options of a run through the region-aware client against this cluster.</summary>
    public BenchOptions RunOptions(BenchOptions template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template with
        {
            Target = TargetKind.TinyKv,
            Endpoints = EndpointList.Parse(SchedulerAddress),
            Schedulers = SchedulerLink.ParseEndpoints(SchedulerAddress),
        };
    }

    /// <summary>
    /// Writes every key of <paramref name="keySpace"/>'s options once (see <see cref="LoadRunner.PreloadAsync"/>),
    /// then waits until the regions have split far enough.
    /// </summary>
    /// <exception cref="InvalidOperationException">A key could not be written, or a process ended.</exception>
    /// <exception cref="TimeoutException">Fewer than <see cref="MultiRegionClusterOptions.MinRegions"/> regions with leaders in time.</exception>
    public async Task<(PreloadResult Preload, RegionSpread Spread)> PreloadAndSplitAsync(BenchOptions keySpace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keySpace);
        var options = RunOptions(keySpace) with { Workload = Workload.Put, Clients = LoadRunner.PreloadClients, Preload = true, MaxRetries = 40 };
        PreloadResult preload;
        var target = new RegionTarget(options);
        await using (target.ConfigureAwait(false))
        {
            preload = await new LoadRunner(options, target).PreloadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (preload.Failed > 0 || !preload.Complete)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the multi-region preload wrote {preload.Written} keys, {preload.Failed} failed{(preload.Complete ? "" : ", stopped at its time limit")}"));
        }

        var spread = await WaitForRegionsAsync(options.Schedulers!, cancellationToken).ConfigureAwait(false);
        return (preload, spread);
    }

    /// <summary>What the scheduler reports now: the regions and how many each store leads.</summary>
    public async Task<RegionSpread> SpreadAsync(CancellationToken cancellationToken)
    {
        using var link = new SchedulerLink(SchedulerLink.ParseEndpoints(SchedulerAddress));
        return Spread(await ScanAsync(link, cancellationToken).ConfigureAwait(false));
    }

    private async Task<RegionSpread> WaitForRegionsAsync(IReadOnlyList<Uri> schedulers, CancellationToken cancellationToken)
    {
        using var link = new SchedulerLink(schedulers);
        var limit = DateTime.UtcNow + Options.Patience;
        ScanRegionsResponse scan;
        while (true)
        {
            ThrowIfExited();
            scan = await ScanAsync(link, cancellationToken).ConfigureAwait(false);
            var ready = scan.Regions.Count >= Options.MinRegions
                && scan.Leaders.Count == scan.Regions.Count
                && scan.Leaders.All(leader => leader.Id > 0)
                && scan.Regions.All(region => region.Peers.Select(p => p.StoreId).Distinct().Count() >= Math.Min(3, Options.Stores));
            if (ready)
            {
                return await WaitForLeaderSpreadAsync(link, scan, cancellationToken).ConfigureAwait(false);
            }

            if (DateTime.UtcNow >= limit)
            {
                break;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        var led = scan.Leaders.Count(leader => leader.Id > 0);
        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
            $"the multi-region cluster did not reach {Options.MinRegions} regions, each with a leader and a peer on every store, within {Options.Patience.TotalSeconds:0} s: the scheduler shows {scan.Regions.Count} regions, {led} with a leader (region max size {Options.RegionMaxSize} B, split size {Options.RegionSplitSize} B)"));
    }

    // Waits, bounded, until every store leads at least one region; returns the last spread seen.
    private async Task<RegionSpread> WaitForLeaderSpreadAsync(SchedulerLink link, ScanRegionsResponse scan, CancellationToken cancellationToken)
    {
        var limit = DateTime.UtcNow + Options.LeaderSpreadPatience;
        while (scan.Leaders.Where(leader => leader.Id > 0).Select(leader => leader.StoreId).Distinct().Count() < Options.Stores && DateTime.UtcNow < limit)
        {
            ThrowIfExited();
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            scan = await ScanAsync(link, cancellationToken).ConfigureAwait(false);
        }

        return Spread(scan);
    }

    private static async Task<ScanRegionsResponse> ScanAsync(SchedulerLink link, CancellationToken cancellationToken) =>
        await link.CallAsync(
            (client, header, callOptions) => client.ScanRegionsAsync(new ScanRegionsRequest { Header = header, StartKey = ByteString.Empty, Limit = 100_000 }, callOptions).ResponseAsync,
            cancellationToken).ConfigureAwait(false);

    private static RegionSpread Spread(ScanRegionsResponse scan)
    {
        var byStore = scan.Leaders.Where(leader => leader.Id > 0).GroupBy(leader => leader.StoreId).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Count()}"));
        return new RegionSpread(scan.Regions.Count, string.Join(", ", byStore));
    }

    // Waits until a put through the region-aware client succeeds: the scheduler bootstrapped the
    // first region and it elected a leader.
    private async Task WaitWritableAsync(CancellationToken cancellationToken)
    {
        var options = RunOptions(new BenchOptions { Endpoints = EndpointList.Parse(SchedulerAddress), Connections = 1, MaxRetries = 10, Deadline = TimeSpan.FromSeconds(5) });
        var target = new RegionTarget(options);
        await using (target.ConfigureAwait(false))
        {
            var client = target.CreateClient(0);
            var limit = DateTime.UtcNow + Options.Patience;
            string? last = null;
            while (DateTime.UtcNow < limit)
            {
                ThrowIfExited();
                var outcome = await client.PutAsync("ready"u8.ToArray(), [1], cancellationToken).ConfigureAwait(false);
                if (outcome.Succeeded)
                {
                    return;
                }

                last = outcome.Error;
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }

            throw new TimeoutException($"the multi-region cluster accepted no write within {Options.Patience.TotalSeconds:0} s (last error: {last})");
        }
    }

    private void ThrowIfExited()
    {
        if (Processes.FirstOrDefault(p => p.HasExited) is { } gone)
        {
            throw new InvalidOperationException($"{gone.Name} exited: {gone.Output}");
        }
    }
}
