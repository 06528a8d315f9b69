using System.CommandLine;
using TinyKv;
using TinyKv.SchedulerServer;
using TinyKv.SchedulerServer.Etcd;

var address = new Option<string>("--addr") { Description = "Address to listen on, host:port (port 0 picks a free one)", DefaultValueFactory = _ => "127.0.0.1:2379" };
var dataDir = new Option<string>("--data-dir") { Description = "Data directory (created when missing); the scheduler's RocksDB database lives in its 'scheduler' folder (unused with --etcd)", DefaultValueFactory = _ => "tinyscheduler-data" };
var logLevel = new Option<string>("--log-level") { Description = "trace, debug, info, warn, error, fatal or none", DefaultValueFactory = _ => "info" };
var patrol = new Option<int>("--patrol-interval-ms") { Description = "How often the replica checker walks the regions and unacknowledged operator steps are sent again, in milliseconds", DefaultValueFactory = _ => 100 };
var storeDown = new Option<int>("--max-store-down-seconds") { Description = "How long a store may miss heartbeats before its regions are re-replicated elsewhere", DefaultValueFactory = _ => 1800 };
var replicas = new Option<int>("--max-replicas") { Description = "How many replicas each region should have", DefaultValueFactory = _ => 3 };
var etcd = new Option<string?>("--etcd") { Description = "Comma-separated etcd client URLs (http://host:port): keep the metadata in etcd and elect one leader among every tinyscheduler-server given the same etcd and prefix; without it the metadata stays in the data directory's RocksDB and this server is the only member" };
var etcdPrefix = new Option<string?>("--etcd-prefix") { Description = "The etcd key prefix of this scheduler group (with --etcd); default /tinykv/scheduler/" };

var root = new RootCommand("tinyscheduler-server: TinyKV's scheduler, speaking the schedulerpb gRPC protocol: timestamps, ids, stores and regions from heartbeats, and operators that keep the cluster balanced")
{
    address,
    dataDir,
    logLevel,
    patrol,
    storeDown,
    replicas,
    etcd,
    etcdPrefix,
};

root.SetAction(async (parse, cancellationToken) =>
{
    SchedulerServerOptions options;
    try
    {
        options = SchedulerServerOptions.FromCommandLine(
            parse.GetValue(address)!,
            parse.GetValue(dataDir)!,
            TinyKvLogging.ParseLevel(parse.GetValue(logLevel)!),
            parse.GetValue(patrol),
            parse.GetValue(storeDown),
            parse.GetValue(replicas),
            parse.GetValue(etcd),
            parse.GetValue(etcdPrefix));
    }
    catch (Exception ex) when (ex is FormatException or ArgumentException)
    {
        await Console.Error.WriteLineAsync($"tinyscheduler-server: {ex.Message}").ConfigureAwait(false);
        return 2;
    }

    TinySchedulerServer server;
    try
    {
        server = await TinySchedulerServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
    }
    catch (Exception ex) when (ex is IOException or TodoException or UnauthorizedAccessException or EtcdUnavailableException)
    {
        await Console.Error.WriteLineAsync($"tinyscheduler-server: cannot start: {ex.Message}").ConfigureAwait(false);
        return 1;
    }

    // Tests and scripts read this line to learn the port when --addr ends in :0.
    var where = options.UsesEtcd
        ? $"metadata in etcd {string.Join(",", options.EtcdEndpoints.Select(e => e.ToString().TrimEnd('/')))} under {options.EtcdPrefix}, member {server.MemberId}"
        : $"data in {Path.GetFullPath(options.DatabaseDirectory)}";
    Console.WriteLine($"tinyscheduler-server listening on {server.Url} (cluster {server.ClusterId}, {where}); Ctrl-C stops it");
    await using (server.ConfigureAwait(false))
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: stop serving, then close the database.
        }
    }

    Console.WriteLine("tinyscheduler-server stopped");
    return 0;
});

// Give the stop time to finish: the default 2 s could end Main mid-shutdown.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
