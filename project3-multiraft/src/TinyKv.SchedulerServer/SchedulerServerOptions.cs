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

    /// <summary>The seed of the schedulers' random choices; null picks one (and logs it).</summary>
    public long? Seed { get; init; }

    /// <summary>The directory of the RocksDB database inside <see cref="DataDirectory"/>.</summary>
    public string DatabaseDirectory => Path.Combine(DataDirectory, "scheduler");

    /// <summary>The options the command line gives.</summary>
    /// <exception cref="FormatException">The address or an interval is not valid.</exception>
    public static SchedulerServerOptions FromCommandLine(string address, string dataDirectory, LogLevel logLevel, int patrolIntervalMilliseconds, int maxStoreDownSeconds, int maxReplicas)
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

        return new SchedulerServerOptions
        {
            Address = ParseAddress(address),
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
}
