using System.Net;
using Microsoft.Extensions.Logging;
using TinyKv.Client.Scheduling;

namespace TinyKv.Server;

/// <summary>How a TinyKV server is started.</summary>
public sealed record ServerOptions
{
    /// <summary>The address clients connect to, e.g. 127.0.0.1:20160. Port 0 picks a free port.</summary>
    public IPEndPoint Address { get; init; } = new(IPAddress.Loopback, 20160);

    /// <summary>The RocksDB data directory; created when missing.</summary>
    public string DataDirectory { get; init; } = "tinykv-data";

    /// <summary>The least severe log level written.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>
    /// This server's store id in a replicated cluster; null for a standalone server. Set together
    /// with <see cref="Cluster"/>.
    /// </summary>
    public ulong? StoreId { get; init; }

    /// <summary>Every store of a replicated cluster and its address; null for a standalone server.</summary>
    public Replication.ClusterMembers? Cluster { get; init; }

    /// <summary>
    /// The scheduler (<c>tinyscheduler-server</c>) of a multi-region cluster, one member or every
    /// member of a highly available group (the store follows their leader); null without one.
    /// With it the store gets its id from the scheduler, bootstraps or joins the cluster, and its
    /// regions split and move as the scheduler says.
    /// </summary>
    public IReadOnlyList<Uri>? Schedulers { get; init; }

    /// <summary>How long a store started with <see cref="Schedulers"/> waits for the scheduler to answer before giving up.</summary>
    public TimeSpan SchedulerPatience { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A region larger than this (approximate bytes) is split, with a scheduler.</summary>
    public ulong RegionMaxSize { get; init; } = 144UL * 1024 * 1024;

    /// <summary>The size of the first part when a region is split.</summary>
    public ulong RegionSplitSize { get; init; } = 96UL * 1024 * 1024;

    /// <summary>The raft base tick of a replicated server; an election times out after 10 to 20 ticks, a leader heartbeats every 2.</summary>
    public TimeSpan RaftTick { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many raft log entries a replicated region keeps before it compacts its log (a follower further behind gets a snapshot).</summary>
    public ulong RaftLogGcCountLimit { get; init; } = 10_000;

    /// <summary>The largest piece of a snapshot file one chunk of the <c>Snapshot</c> stream carries.</summary>
    public int SnapshotChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>How long a replicated write or read waits for the raft log before failing with a region error.</summary>
    public TimeSpan ReplicationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the server replicates its storage with Raft (it has a store id and a cluster, or a scheduler).</summary>
    public bool IsReplicated => (StoreId is not null && Cluster is not null) || Schedulers is not null;

    /// <summary>
    /// Whether the server serves the <c>Debug</c> service, through which tests and experiments
    /// inject faults (isolate the store from the network, heal it). Off by default: without it the
    /// service answers <c>UNIMPLEMENTED</c>.
    /// </summary>
    public bool FaultInjection { get; init; }

    /// <summary>The largest request the server accepts, as in the original server (10 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>
    /// The options the command line gives: a standalone server; with <paramref name="storeId"/>
    /// and <paramref name="cluster"/> a store of a static replicated cluster, listening by default
    /// on its own address in the cluster list; or with <paramref name="scheduler"/> a store of a
    /// multi-region cluster that the scheduler at that address runs.
    /// </summary>
    /// <exception cref="FormatException">An address, the cluster list or their combination is not valid.</exception>
    public static ServerOptions FromCommandLine(string? address, string dataDirectory, LogLevel logLevel, ulong? storeId, string? cluster, int raftTickMilliseconds, string? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        if (scheduler is not null && (storeId is not null || cluster is not null))
        {
            throw new FormatException("--scheduler replaces --store-id and --cluster: the scheduler gives the store its id and tells it where the others are");
        }

        if ((storeId is null) != (cluster is null))
        {
            throw new FormatException("--store-id and --cluster go together: give both to replicate, neither to run standalone");
        }

        if (raftTickMilliseconds is < 1 or > 60_000)
        {
            throw new FormatException($"--raft-tick-ms must be from 1 to 60000, not {raftTickMilliseconds}");
        }

        var options = new ServerOptions { DataDirectory = dataDirectory, LogLevel = logLevel, RaftTick = TimeSpan.FromMilliseconds(raftTickMilliseconds) };
        if (scheduler is not null)
        {
            var advertised = ParseAddress(address ?? "127.0.0.1:20160");
            if (advertised.Port == 0)
            {
                throw new FormatException("--addr needs a real port with --scheduler, not 0: the store registers its address with the scheduler, and the other stores connect to it there");
            }

            return options with { Address = advertised, Schedulers = SchedulerLink.ParseEndpoints(scheduler) };
        }

        if (storeId is not { } id)
        {
            return options with { Address = ParseAddress(address ?? "127.0.0.1:20160") };
        }

        var members = Replication.ClusterMembers.Parse(cluster!);
        if (!members.Stores.TryGetValue(id, out var own))
        {
            throw new FormatException($"store {id} is not in the cluster list {members}");
        }

        var listen = ParseAddress(address ?? own.Authority);
        if (listen.Port != own.Port)
        {
            throw new FormatException($"--addr {listen} does not serve on the port the cluster list gives store {id} ({own.Authority}), so the other stores could not reach it");
        }

        return options with { Address = listen, StoreId = id, Cluster = members };
    }

    /// <summary>These options with the region sizes the command line gives (null: keep the default).</summary>
    /// <exception cref="FormatException">A size is 0, the split size is not below the maximum, or sizes are given without a scheduler.</exception>
    public ServerOptions WithRegionSizes(ulong? maxSize, ulong? splitSize)
    {
        if (maxSize is null && splitSize is null)
        {
            return this;
        }

        if (Schedulers is null)
        {
            throw new FormatException("--region-max-size and --region-split-size need --scheduler: without one a region never splits");
        }

        var options = this with { RegionMaxSize = maxSize ?? RegionMaxSize, RegionSplitSize = splitSize ?? RegionSplitSize };
        if (options.RegionSplitSize == 0 || options.RegionSplitSize >= options.RegionMaxSize)
        {
            throw new FormatException($"--region-split-size ({options.RegionSplitSize}) must be above 0 and below --region-max-size ({options.RegionMaxSize})");
        }

        return options;
    }

    /// <summary>These options with the scheduler patience the command line gives (null: keep the default of 10 s).</summary>
    /// <exception cref="FormatException">The patience is not from 1 ms to an hour, or is given without a scheduler.</exception>
    public ServerOptions WithSchedulerPatience(int? milliseconds)
    {
        if (milliseconds is not { } patience)
        {
            return this;
        }

        if (Schedulers is null)
        {
            throw new FormatException("--scheduler-patience-ms needs --scheduler: it is how long the store waits for the scheduler to answer when it starts");
        }

        if (patience is < 1 or > 3_600_000)
        {
            throw new FormatException($"--scheduler-patience-ms must be from 1 to 3600000, not {patience}");
        }

        return this with { SchedulerPatience = TimeSpan.FromMilliseconds(patience) };
    }

    /// <summary>
    /// Parses an address given as host:port. The host is an IP address or "localhost".
    /// </summary>
    /// <exception cref="FormatException">The text is not host:port with a port from 0 to 65535.</exception>
    public static IPEndPoint ParseAddress(string text) => HostPort.Parse(text, "127.0.0.1:20160");
}
