using System.Net;
using Microsoft.Extensions.Logging;

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

    /// <summary>The raft base tick of a replicated server; an election times out after 10 to 20 ticks, a leader heartbeats every 2.</summary>
    public TimeSpan RaftTick { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many raft log entries a replicated region keeps before it compacts its log (a follower further behind gets a snapshot).</summary>
    public ulong RaftLogGcCountLimit { get; init; } = 10_000;

    /// <summary>The largest piece of a snapshot file one chunk of the <c>Snapshot</c> stream carries.</summary>
    public int SnapshotChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>How long a replicated write or read waits for the raft log before failing with a region error.</summary>
    public TimeSpan ReplicationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the server replicates its storage with Raft (it has a store id and a cluster).</summary>
    public bool IsReplicated => StoreId is not null && Cluster is not null;

    /// <summary>The largest request the server accepts, as in the original server (10 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>
    /// The options the command line gives: a standalone server, or with <paramref name="storeId"/>
    /// and <paramref name="cluster"/> a store of a replicated cluster, listening by default on
    /// its own address in the cluster list.
    /// </summary>
    /// <exception cref="FormatException">An address, the cluster list or their combination is not valid.</exception>
    public static ServerOptions FromCommandLine(string? address, string dataDirectory, LogLevel logLevel, ulong? storeId, string? cluster, int raftTickMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        if ((storeId is null) != (cluster is null))
        {
            throw new FormatException("--store-id and --cluster go together: give both to replicate, neither to run standalone");
        }

        if (raftTickMilliseconds is < 1 or > 60_000)
        {
            throw new FormatException($"--raft-tick-ms must be from 1 to 60000, not {raftTickMilliseconds}");
        }

        var options = new ServerOptions { DataDirectory = dataDirectory, LogLevel = logLevel, RaftTick = TimeSpan.FromMilliseconds(raftTickMilliseconds) };
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

    /// <summary>
    /// Parses an address given as host:port. The host is an IP address or "localhost".
    /// </summary>
    /// <exception cref="FormatException">The text is not host:port with a port from 0 to 65535.</exception>
    public static IPEndPoint ParseAddress(string text) => HostPort.Parse(text, "127.0.0.1:20160");
}
