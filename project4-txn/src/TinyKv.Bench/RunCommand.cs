using System.CommandLine;
using System.Globalization;
using TinyKv.Bench.Targets;

namespace TinyKv.Bench;

/// <summary>
/// <c>tinykv-bench run</c>: one load run against a TinyKV server or cluster, the echo server,
/// or etcd. Its options turn into a <see cref="BenchOptions"/>; out-of-range values are refused
/// before anything is sent.
/// </summary>
public sealed class RunCommand
{
    private static readonly BenchOptions s_defaults = new() { Endpoints = EndpointList.Parse("127.0.0.1:20160") };

    private readonly Option<string> _target = new("--target") { Description = "tinykv (a server, a cluster or the echo server) or etcd", DefaultValueFactory = _ => "tinykv" };
    private readonly Option<string> _endpoints = new("--endpoints")
    {
        Description = "Servers, comma-separated: host:port, or id=host:port for the stores of a TinyKV cluster (as the server's --cluster) so a client can follow the leader",
        DefaultValueFactory = _ => "127.0.0.1:20160",
    };

    private readonly Option<string?> _scheduler = new("--scheduler")
    {
        Description = "The scheduler of a multi-region cluster, host:port (several members comma-separated): requests go through the region-aware client to each key's region leader; instead of --endpoints",
    };

    private readonly Option<string> _workload = new("--workload") { Description = "put, get, mixed or txn", DefaultValueFactory = _ => "put" };
    private readonly Option<double> _readFraction = new("--read-fraction") { Description = "mixed: the share of reads, 0 to 1", DefaultValueFactory = _ => s_defaults.ReadFraction };
    private readonly Option<int> _txnKeys = new("--txn-keys") { Description = "txn: keys written by one transaction", DefaultValueFactory = _ => s_defaults.TxnKeys };
    private readonly Option<int> _keySize = new("--key-size") { Description = "Key size in bytes", DefaultValueFactory = _ => s_defaults.KeySize };
    private readonly Option<int> _valueSize = new("--value-size") { Description = "Value size in bytes", DefaultValueFactory = _ => s_defaults.ValueSize };
    private readonly Option<int> _keys = new("--keys") { Description = "Number of distinct keys, picked uniformly", DefaultValueFactory = _ => s_defaults.Keys };
    private readonly Option<int> _clients = new("--clients") { Description = "Closed-loop clients (each sends its next request when the previous one answered)", DefaultValueFactory = _ => s_defaults.Clients };
    private readonly Option<int> _connections = new("--connections") { Description = "gRPC channels per endpoint, shared round-robin by the clients", DefaultValueFactory = _ => s_defaults.Connections };
    private readonly Option<double> _duration = new("--duration") { Description = "Seconds the measured window lasts at most", DefaultValueFactory = _ => s_defaults.Duration.TotalSeconds };
    private readonly Option<long> _maxOps = new("--max-ops") { Description = "Operations the measured window issues at most", DefaultValueFactory = _ => s_defaults.MaxOperations };
    private readonly Option<double> _warmup = new("--warmup") { Description = "Seconds of load before measuring (not counted)", DefaultValueFactory = _ => s_defaults.Warmup.TotalSeconds };
    private readonly Option<bool> _preload = new("--preload") { Description = "Write every key once before the run (for get runs)" };
    private readonly Option<double> _deadline = new("--deadline") { Description = "Deadline of each request, in seconds", DefaultValueFactory = _ => s_defaults.Deadline.TotalSeconds };
    private readonly Option<int> _maxRetries = new("--max-retries") { Description = "Times one operation is sent again after a region error or an unreachable server", DefaultValueFactory = _ => s_defaults.MaxRetries };
    private readonly Option<int[]> _serverPids = new("--server-pid") { Description = "A server process to measure (CPU per operation, peak memory); repeat for several" };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the clients' key choices", DefaultValueFactory = _ => s_defaults.Seed };
    private readonly Option<string?> _json = new("--json") { Description = "Also write the result as JSON to this file" };

    public RunCommand()
    {
        _target.AcceptOnlyFromAmong("tinykv", "etcd");
        _workload.AcceptOnlyFromAmong("put", "get", "mixed", "txn");
        Command = new Command("run", "One load run: closed-loop clients for a duration or an operation count, then throughput, latency percentiles, errors by kind and server CPU per operation")
        {
            _target, _endpoints, _scheduler, _workload, _readFraction, _txnKeys, _keySize, _valueSize, _keys, _clients, _connections,
            _duration, _maxOps, _warmup, _preload, _deadline, _maxRetries, _serverPids, _seed, _json,
        };
        Command.SetAction(RunAsync);
    }

    public Command Command { get; }

    /// <summary>The options of a parsed <c>run</c> command line.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="FormatException">The endpoint or scheduler list is malformed.</exception>
    public BenchOptions ToOptions(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var scheduler = parse.GetValue(_scheduler);
        if (scheduler is not null && parse.GetResult(_endpoints) is { Implicit: false })
        {
            throw new ArgumentException("--scheduler and --endpoints exclude each other: give the scheduler of a multi-region cluster, or the servers themselves");
        }

        (EndpointList Endpoints, IReadOnlyList<Uri> Urls)? schedulers = scheduler is null ? null : ParseSchedulers(scheduler);
        var options = new BenchOptions
        {
            Target = Enum.Parse<TargetKind>(parse.GetValue(_target)!, ignoreCase: true),
            Endpoints = schedulers?.Endpoints ?? EndpointList.Parse(parse.GetValue(_endpoints)!),
            Schedulers = schedulers?.Urls,
            Workload = Enum.Parse<Workload>(parse.GetValue(_workload)!, ignoreCase: true),
            ReadFraction = parse.GetValue(_readFraction),
            TxnKeys = parse.GetValue(_txnKeys),
            KeySize = parse.GetValue(_keySize),
            ValueSize = parse.GetValue(_valueSize),
            Keys = parse.GetValue(_keys),
            Clients = parse.GetValue(_clients),
            Connections = parse.GetValue(_connections),
            Duration = Seconds("--duration", parse.GetValue(_duration)),
            MaxOperations = parse.GetValue(_maxOps),
            Warmup = Seconds("--warmup", parse.GetValue(_warmup)),
            Preload = parse.GetValue(_preload),
            Deadline = Seconds("--deadline", parse.GetValue(_deadline)),
            MaxRetries = parse.GetValue(_maxRetries),
            ServerPids = parse.GetValue(_serverPids) ?? [],
            Seed = parse.GetValue(_seed),
            JsonPath = parse.GetValue(_json),
        };
        options.Validate();
        return options;
    }

    /// <summary>The scheduler members of <c>--scheduler</c>: host:port, comma-separated, no store ids.</summary>
    /// <exception cref="FormatException">The list is empty or an address is not host:port; the message names the option.</exception>
    internal static (EndpointList Endpoints, IReadOnlyList<Uri> Urls) ParseSchedulers(string text)
    {
        try
        {
            var list = EndpointList.Parse(text);
            if (list.All.Any(e => e.StoreId != 0))
            {
                throw new FormatException("a scheduler member has no store id");
            }

            return (list, TinyKv.Client.Scheduling.SchedulerLink.ParseEndpoints(text));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"--scheduler: {ex.Message}; give the scheduler address as host:port (e.g. 127.0.0.1:2379), several members separated by commas", ex);
        }
    }

    /// <summary>Seconds as a duration; refuses what is not a finite number from 0 to a day.</summary>
    internal static TimeSpan Seconds(string option, double seconds) =>
        double.IsFinite(seconds) && seconds is >= 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a number of seconds from 0 to 86400, not {seconds}"));

    /// <summary>Makes the target a run drives.</summary>
    public static IBenchTarget CreateTarget(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Target == TargetKind.Etcd ? new EtcdTarget(options)
            : options.Schedulers is not null ? new RegionTarget(options)
            : new TinyKvTarget(options);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        BenchOptions options;
        try
        {
            options = ToOptions(parse);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"tinykv-bench run: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using var target = CreateTarget(options);
        var result = await ProgressDisplay.RunAsync(new LoadRunner(options, target), options, cancellationToken).ConfigureAwait(false);
        Console.Write(ResultReport.Text(result));
        if (options.JsonPath is { } path)
        {
            await ResultReport.WriteJsonAsync(path, result, CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"result written to {path}");
        }

        return 0;
    }
}
