using System.Net;
using Microsoft.Extensions.Logging;

namespace TinyKv.SchedulerServer;

/// <summary>How a tinyscheduler-server is started.</summary>
public sealed record SchedulerServerOptions
{
    /// <summary>The address clients and stores connect to, e.g. 127.0.0.1:2379. Port 0 picks a free port.</summary>
    public IPEndPoint Address { get; init; } = new(IPAddress.Loopback, 2379);

    /// <summary>The data directory; the scheduler's RocksDB database lives in its <c>scheduler</c> folder.</summary>
    public string DataDirectory { get; init; } = "tinyscheduler-data";

    /// <summary>The least severe log level written.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>How often the coordinator walks the regions with the replica checker and repeats operator steps.</summary>
    public TimeSpan PatrolRegionInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a store may stay silent before it counts as down and its regions are re-replicated.</summary>
    public TimeSpan MaxStoreDownTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How many replicas each region should have.</summary>
    public int MaxReplicas { get; init; } = 3;

    /// <summary>This member's name in GetMembers; null names it after its port (or "tinyscheduler" when alone).</summary>
    public string? Name { get; init; }

    /// <summary>The seed of the schedulers' random choices; null picks one (and logs it).</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// The etcd cluster the metadata lives in and the leader is elected through; empty (the
    /// default) keeps the metadata in the embedded RocksDB database and makes this server its
    /// own, only, leader.
    /// </summary>
    public IReadOnlyList<Uri> EtcdEndpoints { get; init; } = [];

    /// <summary>Whether the metadata lives in etcd, shared by several members (<see cref="EtcdEndpoints"/> given).</summary>
    public bool UsesEtcd => EtcdEndpoints.Count > 0;

    /// <summary>The etcd key prefix every key of this scheduler group lives under; it ends in '/'.</summary>
    public string EtcdPrefix { get; init; } = "/tinykv/scheduler/";

    /// <summary>The time to live of the etcd lease the leader key and this member's key are bound to.</summary>
    public TimeSpan LeaderLease { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the start waits for etcd to answer before it gives up.</summary>
    public TimeSpan EtcdDialTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The directory of the RocksDB database inside <see cref="DataDirectory"/>.</summary>
    public string DatabaseDirectory => Path.Combine(DataDirectory, "scheduler");

    /// <summary>The options the command line gives.</summary>
    /// <exception cref="FormatException">The address or an interval is not valid.</exception>
    public static SchedulerServerOptions FromCommandLine(string address, string dataDirectory, LogLevel logLevel, int patrolIntervalMilliseconds, int maxStoreDownSeconds, int maxReplicas, string? etcd = null, string? etcdPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        if (patrolIntervalMilliseconds is < 1 or > 600_000)
        {
            throw new FormatException($"--patrol-interval-ms must be from 1 to 600000, not {patrolIntervalMilliseconds}");
        }

        if (maxStoreDownSeconds < 1)
        {
            throw new FormatException($"--max-store-down-seconds must be at least 1, not {maxStoreDownSeconds}");
        }

        if (maxReplicas is < 1 or > 9)
        {
            throw new FormatException($"--max-replicas must be from 1 to 9, not {maxReplicas}");
        }

        var options = new SchedulerServerOptions();
        return options with
        {
            Address = ParseAddress(address),
            EtcdEndpoints = etcd is null ? [] : ParseEtcdEndpoints(etcd),
            EtcdPrefix = etcdPrefix is null ? options.EtcdPrefix : ParseEtcdPrefix(etcdPrefix),
            DataDirectory = dataDirectory,
            LogLevel = logLevel,
            PatrolRegionInterval = TimeSpan.FromMilliseconds(patrolIntervalMilliseconds),
            MaxStoreDownTime = TimeSpan.FromSeconds(maxStoreDownSeconds),
            MaxReplicas = maxReplicas,
        };
    }

    /// <summary>Parses host:port, the host an IP address or "localhost".</summary>
    /// <exception cref="FormatException">The text is not host:port with a port from 0 to 65535.</exception>
    public static IPEndPoint ParseAddress(string text) => HostPort.Parse(text, "127.0.0.1:2379");

    /// <summary>Parses a comma-separated list of etcd client URLs, each http://host:port.</summary>
    /// <exception cref="FormatException">The list is empty or an entry is not an http URL with a host and a port and nothing else.</exception>
    public static IReadOnlyList<Uri> ParseEtcdEndpoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var endpoints = new List<Uri>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var url)
                || url.Scheme != Uri.UriSchemeHttp
                || string.IsNullOrEmpty(url.Host)
                || (url.IsDefaultPort && !entry.TrimEnd('/').EndsWith(":80", StringComparison.Ordinal))
                || url.AbsolutePath != "/"
                || url.Query.Length > 0
                || url.UserInfo.Length > 0)
            {
                throw new FormatException($"--etcd: '{entry}' is not an etcd client URL of the form http://host:port (e.g. http://127.0.0.1:2379)");
            }

            endpoints.Add(url);
        }

        if (endpoints.Count == 0)
        {
            throw new FormatException("--etcd needs at least one endpoint, e.g. http://127.0.0.1:2379");
        }

        return endpoints;
    }

    /// <summary>Checks an etcd key prefix: it starts and ends with '/'.</summary>
    /// <exception cref="FormatException">The prefix does not start and end with '/'.</exception>
    public static string ParseEtcdPrefix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 2 || text[0] != '/' || text[^1] != '/')
        {
            throw new FormatException($"--etcd-prefix must start and end with '/', e.g. /tinykv/scheduler/, not '{text}'");
        }

        return text;
    }
}
