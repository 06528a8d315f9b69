using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Client.Scheduling;
using TinyKv.Ctl;
using TinyKv.Proto.Kvrpcpb;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

var address = new Option<string>("--addr") { Description = "Server address, host:port (a standalone server, or one store)", DefaultValueFactory = _ => "127.0.0.1:20160", Recursive = true };
var scheduler = new Option<string?>("--scheduler")
{
    Description = "The scheduler of a multi-region cluster, host:port (the members of a highly available one separated by commas): " +
        "get, put, delete, scan and txn then go to each key's region, and txn takes its timestamps from the scheduler; " +
        $"the scheduler commands ask it (default {SchedulerCommands.DefaultAddress})",
    Recursive = true,
};
var cf = new Option<string>("--cf") { Description = "Column family: default, lock or write", DefaultValueFactory = _ => "default", Recursive = true };
var hex = new Option<bool>("--hex") { Description = "Keys and values are typed in hexadecimal", Recursive = true };
var key = new Argument<string>("key") { Description = "The key" };
var value = new Argument<string>("value") { Description = "The value" };
var start = new Option<string>("--start") { Description = "First key of the scan (inclusive)", DefaultValueFactory = _ => "" };
var limit = new Option<uint>("--limit") { Description = "Most pairs to return", DefaultValueFactory = _ => 100 };
var script = new Argument<string>("script") { Description = "The script, or - to read it from standard input. " + TxnScript.Syntax };

var get = new Command("get", "Read one key") { key };
var put = new Command("put", "Write one key") { key, value };
var delete = new Command("delete", "Delete one key") { key };
var scan = new Command("scan", "List pairs in key order from --start") { start, limit };
var txn = new Command(
    "txn",
    "Run a transaction script, e.g. \"set k1 v1; set k2 v2; commit; get k1; get k2\". Prints each read and each commit timestamp; " +
    "exits 1 when a statement fails (a write conflict, a server error) and 2 when the script is malformed, before anything runs.")
{
    script,
};
var root = new RootCommand("tinykv-ctl: raw get, put, delete and scan, and transaction scripts, against a TinyKV server or a multi-region cluster; stores, regions and operators of a tinyscheduler-server")
{
    address,
    scheduler,
    cf,
    hex,
    get,
    put,
    delete,
    scan,
    txn,
    SchedulerCommands.Create(hex, scheduler),
};

get.SetAction((parse, token) => parse.GetValue(scheduler) is { } cluster
    ? RunOnCluster(cluster, async c =>
    {
        var found = await c.Raw.GetAsync(Bytes(parse, parse.GetValue(key)!), parse.GetValue(cf)!, token);
        Console.WriteLine(found is null ? "(not found)" : ByteText.Show(found.Span));
        return 0;
    })
    : Run(parse, async client =>
{
    var response = await client.RawGetAsync(new RawGetRequest { Key = Bytes(parse, parse.GetValue(key)!), Cf = parse.GetValue(cf) }, cancellationToken: token);
    if (Failed(response.RegionError, response.Error) is { } code)
    {
        return code;
    }

    Console.WriteLine(response.NotFound ? "(not found)" : ByteText.Show(response.Value.Span));
    return 0;
}));

put.SetAction((parse, token) => parse.GetValue(scheduler) is { } cluster
    ? RunOnCluster(cluster, async c =>
    {
        await c.Raw.PutAsync(Bytes(parse, parse.GetValue(key)!), Bytes(parse, parse.GetValue(value)!), parse.GetValue(cf)!, token);
        return Ok();
    })
    : Run(parse, async client =>
{
    var response = await client.RawPutAsync(
        new RawPutRequest { Key = Bytes(parse, parse.GetValue(key)!), Value = Bytes(parse, parse.GetValue(value)!), Cf = parse.GetValue(cf) },
        cancellationToken: token);
    return Failed(response.RegionError, response.Error) ?? Ok();
}));

delete.SetAction((parse, token) => parse.GetValue(scheduler) is { } cluster
    ? RunOnCluster(cluster, async c =>
    {
        await c.Raw.DeleteAsync(Bytes(parse, parse.GetValue(key)!), parse.GetValue(cf)!, token);
        return Ok();
    })
    : Run(parse, async client =>
{
    var response = await client.RawDeleteAsync(new RawDeleteRequest { Key = Bytes(parse, parse.GetValue(key)!), Cf = parse.GetValue(cf) }, cancellationToken: token);
    return Failed(response.RegionError, response.Error) ?? Ok();
}));

scan.SetAction((parse, token) => parse.GetValue(scheduler) is { } cluster
    ? RunOnCluster(cluster, async c =>
    {
        var pairs = await c.Raw.ScanAsync(Bytes(parse, parse.GetValue(start)!), (int)Math.Min(parse.GetValue(limit), int.MaxValue), parse.GetValue(cf)!, token);
        foreach (var pair in pairs)
        {
            Console.WriteLine($"{ByteText.Show(pair.Key.Span)}\t{ByteText.Show(pair.Value.Span)}");
        }

        Console.Error.WriteLine($"({pairs.Count} pairs)");
        return 0;
    })
    : Run(parse, async client =>
{
    var response = await client.RawScanAsync(
        new RawScanRequest { StartKey = Bytes(parse, parse.GetValue(start)!), Limit = parse.GetValue(limit), Cf = parse.GetValue(cf) },
        cancellationToken: token);
    if (Failed(response.RegionError, response.Error) is { } code)
    {
        return code;
    }

    foreach (var pair in response.Kvs)
    {
        Console.WriteLine($"{ByteText.Show(pair.Key.Span)}\t{ByteText.Show(pair.Value.Span)}");
    }

    Console.Error.WriteLine($"({response.Kvs.Count} pairs)");
    return 0;
}));

txn.SetAction(async (parse, token) =>
{
    IReadOnlyList<TxnStatement> statements;
    try
    {
        var text = parse.GetValue(script)!;
        statements = TxnScript.Parse(text == "-" ? await Console.In.ReadToEndAsync(token) : text, parse.GetValue(hex));
    }
    catch (FormatException ex)
    {
        await Console.Error.WriteLineAsync($"tinykv-ctl txn: {ex.Message}");
        return 2;
    }

    if (parse.GetValue(scheduler) is { } cluster)
    {
        return await RunOnCluster(cluster, c => new TxnScriptRunner(c.Transactions, Console.Out, Console.Error).RunAsync(statements, token));
    }

    // The wall clock stands in for the scheduler's timestamp oracle (a standalone server has none).
    return await Run(parse, client => new TxnScriptRunner(new PercolatorClient(new GrpcTransport(client), ClockOracle.System()), Console.Out, Console.Error).RunAsync(statements, token));
});

return await root.Parse(args).InvokeAsync();

ByteString Bytes(ParseResult parse, string text) => ByteString.CopyFrom(ByteText.Parse(text, parse.GetValue(hex)));

static int Ok()
{
    Console.WriteLine("OK");
    return 0;
}

static int Fail(string error)
{
    Console.Error.WriteLine($"error: {error}");
    return 1;
}

// The exit code of a raw response that failed, or null when it did not. A replicated server that
// cannot serve the request (a follower, a stale region) says so in region_error, and the request
// did nothing there: name the leader when the server knows it.
static int? Failed(TinyKv.Proto.Errorpb.Error? region, string error) =>
    region is null
        ? error.Length > 0 ? Fail(error) : null
        : Fail(region.NotLeader?.Leader is { StoreId: > 0 } leader
            ? $"this server is not the leader; store {leader.StoreId} leads ({region.Message})"
            : $"region error: {region.Message}");

// Runs a command against the multi-region cluster whose scheduler serves at `schedulers`.
static async Task<int> RunOnCluster(string schedulers, Func<ClusterClient, Task<int>> call)
{
    try
    {
        await using var cluster = ClusterClient.Connect(
            SchedulerLink.ParseEndpoints(schedulers),
            new RegionClientOptions { MaxAttempts = 12 },
            schedulerOptions: new SchedulerLinkOptions { Patience = TimeSpan.FromSeconds(3) });
        await cluster.Scheduler.ConnectAsync(); // a scheduler that is not there fails here, once, not at every retry
        return await call(cluster);
    }
    catch (FormatException ex)
    {
        return Fail(ex.Message);
    }
    catch (Exception ex) when (ex is RawKvException or RegionUnavailableException or SchedulerUnavailableException)
    {
        return Fail(ex.Message);
    }
    catch (RpcException ex)
    {
        return Fail($"{ex.StatusCode}: {ex.Status.Detail}");
    }
}

async Task<int> Run(ParseResult parse, Func<TinyKvClient, Task<int>> call)
{
    var target = parse.GetValue(address)!;
    try
    {
        using var channel = GrpcChannel.ForAddress(target.Contains("://", StringComparison.Ordinal) ? target : "http://" + target);
        return await call(new TinyKvClient(channel));
    }
    catch (UriFormatException ex)
    {
        return Fail($"bad address '{target}': {ex.Message}");
    }
    catch (FormatException ex)
    {
        return Fail(ex.Message);
    }
    catch (RpcException ex)
    {
        return Fail($"{ex.StatusCode}: {ex.Status.Detail}");
    }
}
