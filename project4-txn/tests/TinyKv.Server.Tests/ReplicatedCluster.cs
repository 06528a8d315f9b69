using System.Net;
using TinyKv.Server.Replication;
using TinyKv.TestKit;

namespace TinyKv.Server.Tests;

/// <summary>
/// Three (or more) replicated servers in this process, each a store of one static cluster on
/// free loopback ports, and a <see cref="LeaderClient"/> of them.
/// </summary>
public sealed class ReplicatedCluster : IAsyncDisposable
{
    private readonly TempDirectory _data = new("tinykv-cluster");
    private readonly Dictionary<ulong, TinyKvServer> _servers = [];
    private readonly Func<ServerOptions, ServerOptions> _tune;

    private ReplicatedCluster(ClusterMembers members, Func<ServerOptions, ServerOptions> tune)
    {
        Members = members;
        _tune = tune;
        Client = new LeaderClient(members);
    }

    /// <summary>The cluster's stores and addresses.</summary>
    public ClusterMembers Members { get; }

    /// <summary>The client that finds the leader.</summary>
    public LeaderClient Client { get; }

    /// <summary>The store that answered the last successful call.</summary>
    public ulong LastLeader => Client.LastLeader;

    /// <summary>The running server of store <paramref name="id"/>.</summary>
    public TinyKvServer Server(ulong id) => _servers[id];
    /// <summary>Starts <paramref name="count"/> servers; <paramref name="tune"/> adjusts each one's options.</summary>
    public static async Task<ReplicatedCluster> StartAsync(int count = 3, Func<ServerOptions, ServerOptions>? tune = null)
    {
        var ports = FreePorts(count);
        var members = ClusterMembers.Parse(string.Join(",", ports.Select((port, i) => $"{i + 1}=127.0.0.1:{port}")));
        var cluster = new ReplicatedCluster(members, tune ?? (o => o));
        foreach (var id in members.Stores.Keys)
        {
            await cluster.StartServerAsync(id);
        }

        return cluster;
    }

    /// <summary>Starts (or restarts, over its data directory) the server of store <paramref name="id"/>.</summary>
    public async Task StartServerAsync(ulong id)
    {
        var url = Members.Stores[id];
        var options = _tune(new ServerOptions
        {
            Address = new IPEndPoint(IPAddress.Loopback, url.Port),
            DataDirectory = _data.Combine($"store-{id}"),
            StoreId = id,
            Cluster = Members,
            RaftTick = TimeSpan.FromMilliseconds(50),
        });
        _servers[id] = await TinyKvServer.StartAsync(options);
    }

    /// <summary>Stops the server of store <paramref name="id"/>; its data directory stays.</summary>
    public async Task StopServerAsync(ulong id)
    {
        if (_servers.Remove(id, out var server))
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Writes <paramref name="key"/> at the leader.</summary>
    public Task PutAsync(string key, string value) => Client.PutAsync(key, value);

    /// <summary>Reads <paramref name="key"/> at the leader; null when absent.</summary>
    public Task<string?> GetAsync(string key) => Client.GetAsync(key);

    /// <summary>Stops every server and deletes the data.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _servers.Keys.ToList())
        {
            await StopServerAsync(id);
        }

        Client.Dispose();
        _data.Dispose();
    }

    /// <summary>Ports free right now on the loopback interface (held together while chosen, so they differ).</summary>
    public static IReadOnlyList<int> FreePorts(int count) => TinyKv.FreePorts.Take(count);
}
