using System.Globalization;
using System.Text;
using TinyKv.Bench.Targets;

namespace TinyKv.Bench.Comparison;

/// <summary>
/// TinyKV servers the comparison runs: a three-store replicated cluster on free loopback ports
/// (ready once a write through the leader succeeded), or one standalone server.
/// </summary>
public sealed class TinyKvCluster
{
    private TinyKvCluster(IReadOnlyList<ChildProcess> servers, string endpoints)
    {
        Servers = servers;
        Endpoints = endpoints;
    }

    public IReadOnlyList<ChildProcess> Servers { get; }

    /// <summary>The endpoint list for <c>--endpoints</c>: <c>id=host:port</c> for a cluster, host:port for a standalone server.</summary>
    public string Endpoints { get; }

    /// <summary>Starts stores 1 to <paramref name="stores"/> with one <c>--cluster</c> list, each over a fresh data directory, and waits for a leader.</summary>
    public static async Task<TinyKvCluster> StartReplicatedAsync(
        ChildProcessGroup group, ServerProgram server, string dataRoot, int stores, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(server);
        var ports = FreePorts.Take(stores);
        var list = string.Join(",", ports.Select((port, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}=127.0.0.1:{port}")));
        var servers = new List<ChildProcess>();
        for (var id = 1; id <= stores; id++)
        {
            var storeId = id.ToString(CultureInfo.InvariantCulture);
            servers.Add(group.Start($"tinykv store {storeId}", server.FileName, server.Arguments(
                "--store-id", storeId, "--cluster", list, "--data-dir", Path.Combine(dataRoot, "tinykv-" + storeId), "--log-level", "warn")));
        }

        foreach (var process in servers)
        {
            await process.WaitListeningAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }

        await WaitWritableAsync(list, servers, cancellationToken).ConfigureAwait(false);
        return new TinyKvCluster(servers, list);
    }

    /// <summary>Starts one standalone server over a fresh data directory.</summary>
    public static async Task<TinyKvCluster> StartStandaloneAsync(ChildProcessGroup group, ServerProgram server, string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(server);
        var process = group.Start("tinykv standalone", server.FileName, server.Arguments("--addr", "127.0.0.1:0", "--data-dir", dataDirectory, "--log-level", "warn"));
        var address = await process.WaitListeningAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return new TinyKvCluster([process], address);
    }

    /// <summary>Starts the echo server of this program in a process of its own (so its CPU time is its own).</summary>
    public static async Task<TinyKvCluster> StartEchoAsync(ChildProcessGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var self = ServerProgram.Self();
        var process = group.Start("echo server", self.FileName, self.Arguments("echo-server", "--addr", "127.0.0.1:0"));
        var address = await process.WaitListeningAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return new TinyKvCluster([process], address);
    }

    /// <summary>Waits (60 s at most) until a raw put through the leader succeeds: the cluster elected one.</summary>
    private static async Task WaitWritableAsync(string endpoints, IReadOnlyList<ChildProcess> servers, CancellationToken cancellationToken)
    {
        var options = new BenchOptions { Endpoints = EndpointList.Parse(endpoints), Connections = 1, MaxRetries = 10, Deadline = TimeSpan.FromSeconds(2) };
        using var target = new TinyKvTarget(options);
        var client = target.CreateClient(0);
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? last = null;
        while (DateTime.UtcNow < limit)
        {
            if (servers.FirstOrDefault(s => s.HasExited) is { } gone)
            {
                throw new InvalidOperationException($"{gone.Name} exited: {gone.Output}");
            }

            var outcome = await client.PutAsync(Encoding.ASCII.GetBytes("ready"), [1], cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                return;
            }

            last = outcome.Error;
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"the tinykv cluster accepted no write within 60 s (last error: {last})");
    }
}
