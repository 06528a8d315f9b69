using System.CommandLine;
using TinyKv;
using TinyKv.Server;

var address = new Option<string?>("--addr") { Description = "Address to listen on, host:port (port 0 picks a free one); default 127.0.0.1:20160, or this store's address in --cluster" };
var dataDir = new Option<string>("--data-dir") { Description = "RocksDB data directory (created when missing)", DefaultValueFactory = _ => "tinykv-data" };
var logLevel = new Option<string>("--log-level") { Description = "trace, debug, info, warn, error, fatal or none", DefaultValueFactory = _ => "info" };
var storeId = new Option<ulong?>("--store-id") { Description = "This server's store id in a replicated cluster (with --cluster); without it the server runs standalone storage" };
var cluster = new Option<string?>("--cluster") { Description = "Every store of a replicated cluster, id=host:port comma-separated, the same list on every server, e.g. 1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162" };
var scheduler = new Option<string?>("--scheduler") { Description = "The tinyscheduler-server of a multi-region cluster, host:port (e.g. 127.0.0.1:2379), or every member of a highly available one, separated by commas: the store gets its id there and joins; instead of --store-id and --cluster" };
var regionMaxSize = new Option<ulong?>("--region-max-size") { Description = "With --scheduler: split a region once it holds about this many bytes (default 144 MiB)" };
var regionSplitSize = new Option<ulong?>("--region-split-size") { Description = "With --scheduler: the size of the first part of a split region, in bytes (default 96 MiB)" };
var schedulerPatience = new Option<int?>("--scheduler-patience-ms") { Description = "With --scheduler: how long the store waits at start for the scheduler to answer before it gives up, in milliseconds (default 10000)" };
var raftTick = new Option<int>("--raft-tick-ms") { Description = "The raft base tick of a replicated server in milliseconds (elections time out after 10 to 20 ticks)", DefaultValueFactory = _ => 100 };
var faultInjection = new Option<bool>("--fault-injection") { Description = "Serve the Debug gRPC service, through which a caller can isolate this store from the network and heal it; for tests and experiments" };

var root = new RootCommand("tinykv-server: a TinyKV store speaking the TinyKv gRPC protocol, standalone or replicated with Raft")
{
    address,
    dataDir,
    logLevel,
    storeId,
    cluster,
    scheduler,
    regionMaxSize,
    regionSplitSize,
    schedulerPatience,
    raftTick,
    faultInjection,
};

root.SetAction(async (parse, cancellationToken) =>
{
    ServerOptions options;
    try
    {
        options = ServerOptions.FromCommandLine(
            parse.GetValue(address),
            parse.GetValue(dataDir)!,
            TinyKvLogging.ParseLevel(parse.GetValue(logLevel)!),
            parse.GetValue(storeId),
            parse.GetValue(cluster),
            parse.GetValue(raftTick),
            parse.GetValue(scheduler))
            .WithRegionSizes(parse.GetValue(regionMaxSize), parse.GetValue(regionSplitSize))
            .WithSchedulerPatience(parse.GetValue(schedulerPatience))
            with
        { FaultInjection = parse.GetValue(faultInjection) };
    }
    catch (Exception ex) when (ex is FormatException or ArgumentException)
    {
        await Console.Error.WriteLineAsync($"tinykv-server: {ex.Message}").ConfigureAwait(false);
        return 2;
    }

    TinyKvServer server;
    try
    {
        server = await TinyKvServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
    }
    catch (Exception ex) when (ex is IOException or TodoException or UnauthorizedAccessException or TinyKv.Server.Scheduling.SchedulerCallException)
    {
        await Console.Error.WriteLineAsync($"tinykv-server: cannot start: {ex.Message}").ConfigureAwait(false);
        return 1;
    }

    // Tests and scripts read this line to learn the port when --addr ends in :0.
    Console.WriteLine($"tinykv-server listening on {server.Url} (data in {Path.GetFullPath(options.DataDirectory)}); Ctrl-C stops it");
    await using (server.ConfigureAwait(false))
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: stop serving, then close the storage.
        }
    }

    Console.WriteLine("tinykv-server stopped");
    return 0;
});

// On Ctrl-C or SIGTERM the action stops serving and closes the storage. Give it time to: the
// default 2 s would let Main return mid-shutdown under load, and the web host's own exit hook
// would then block process exit for its 30 s shutdown timeout.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
