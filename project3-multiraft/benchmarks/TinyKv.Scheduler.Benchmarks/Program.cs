using System.CommandLine;
using System.Runtime.InteropServices;
using Grpc.Net.Client;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Benchmarks;

// Starts the real tinyscheduler-server as a child process on a free loopback port, over a fresh data
// directory, and measures it over gRPC: region heartbeats handled per second (first the heartbeats that
// bring each region in, then a steady stream of unchanged ones) and Tso requests per second at each
// number of concurrent streams asked for. Prints a Markdown table; progress goes to stderr. The server
// is killed by its process id when the tool ends, fails or is interrupted.
var stores = new Option<int>("--stores") { Description = "Stores, each with one RegionHeartbeat stream (at least 3: every region has three replicas)", DefaultValueFactory = _ => 5 };
var regions = new Option<int>("--regions") { Description = "Regions, tiling the key space, each led by one store", DefaultValueFactory = _ => 10_000 };
var duration = new Option<double>("--duration") { Description = "Seconds measured per round", DefaultValueFactory = _ => 10 };
var warmup = new Option<double>("--warmup") { Description = "Seconds of load before each measured round, not counted", DefaultValueFactory = _ => 2 };
var tsoStreams = new Option<int[]>("--tso-streams") { Description = "Numbers of concurrent Tso streams, one round each", DefaultValueFactory = _ => [1, 64], AllowMultipleArgumentsPerToken = true };
var channels = new Option<int>("--channels") { Description = "HTTP/2 connections the Tso streams are spread over", DefaultValueFactory = _ => 4 };
var only = new Option<string?>("--only") { Description = "Run only the heartbeat or the tso rounds" };
only.AcceptOnlyFromAmong("heartbeat", "tso");
var root = new RootCommand("tinyscheduler-bench: region heartbeats and Tso requests per second handled by a real tinyscheduler-server")
{
    stores,
    regions,
    duration,
    warmup,
    tsoStreams,
    channels,
    only,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var (storeCount, regionCount, channelCount) = (parse.GetValue(stores), parse.GetValue(regions), parse.GetValue(channels));
    var (measured, warm) = (TimeSpan.FromSeconds(parse.GetValue(duration)), TimeSpan.FromSeconds(parse.GetValue(warmup)));
    var streamCounts = parse.GetValue(tsoStreams)!;
    if (storeCount < 3 || regionCount < storeCount || channelCount < 1 || measured <= TimeSpan.Zero || warm < TimeSpan.Zero || streamCounts.Any(n => n < 1))
    {
        await Console.Error.WriteLineAsync("tinyscheduler-bench: need --stores >= 3, --regions >= --stores, --channels >= 1, --duration > 0, --warmup >= 0 and --tso-streams >= 1").ConfigureAwait(false);
        return 2;
    }

    var results = new List<RoundResult>();
    using var server = await SchedulerProcess.StartAsync([], cancellationToken).ConfigureAwait(false);
    await Console.Error.WriteLineAsync($"tinyscheduler-server (pid {server.ProcessId}) listening on {server.Url}").ConfigureAwait(false);

    if (parse.GetValue(only) is null or "heartbeat")
    {
        using var load = await HeartbeatLoad.SetUpAsync(server.Url, storeCount, regionCount, cancellationToken).ConfigureAwait(false);
        using var keepAlive = new CancellationTokenSource();
        var storeHeartbeats = KeepStoresAliveAsync(load, keepAlive.Token);

        var meter = new RoundMeter(server);
        var (sent, errors) = await load.SendEachOnceAsync(cancellationToken).ConfigureAwait(false);
        results.Add(Report(meter.Stop("region heartbeat, new regions", storeCount, sent, errors)));
        var known = await load.CountRegionsAsync(cancellationToken).ConfigureAwait(false);
        if (known != regionCount)
        {
            throw new InvalidOperationException($"the scheduler knows {known} regions after the first heartbeats, not {regionCount}");
        }

        await load.SendForAsync(warm, cancellationToken).ConfigureAwait(false);
        meter = new RoundMeter(server);
        (sent, errors) = await load.SendForAsync(measured, cancellationToken).ConfigureAwait(false);
        results.Add(Report(meter.Stop("region heartbeat, unchanged", storeCount, sent, errors)));

        await keepAlive.CancelAsync().ConfigureAwait(false);
        await storeHeartbeats.ConfigureAwait(false);
    }

    if (parse.GetValue(only) is null or "tso")
    {
        var connections = Enumerable.Range(0, channelCount).Select(_ => GrpcChannel.ForAddress(server.Url)).ToList();
        try
        {
            var members = await new Scheduler.SchedulerClient(connections[0]).GetMembersAsync(new GetMembersRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var streams in streamCounts)
            {
                results.Add(Report(await TsoLoad.RunAsync(connections, members.Header.ClusterId, streams, warm, measured, () => new RoundMeter(server), cancellationToken).ConfigureAwait(false)));
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    RoundResult.WriteTable(Console.Out, results);
    var heartbeats = parse.GetValue(only) is null or "heartbeat" ? $"{storeCount} stores, {regionCount:N0} regions, " : "";
    var tso = parse.GetValue(only) is null or "tso" ? $", Tso streams over {channelCount} connections" : "";
    Console.WriteLine(
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; {heartbeats}" +
        $"{measured.TotalSeconds:0.#} s measured after {warm.TotalSeconds:0.#} s of warm-up{tso}; " +
        $"server peak resident memory {server.PeakResidentBytes / (1 << 20)} MiB");
    return results.Sum(r => r.Errors) == 0 ? 0 : 1;
});

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

static RoundResult Report(RoundResult result)
{
    Console.Error.WriteLine($"{result.Workload}: {result.Operations:N0} in {result.Elapsed.TotalSeconds:F2} s, {result.PerSecond:N0}/s, {result.Errors} errors");
    return result;
}

// Stores report every few seconds; one silent for 20 s would count as disconnected.
static async Task KeepStoresAliveAsync(HeartbeatLoad load, CancellationToken cancellationToken)
{
    try
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            await load.StoreHeartbeatsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
    catch (OperationCanceledException)
    {
        // The heartbeat rounds are over.
    }
}
