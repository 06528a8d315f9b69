using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace TinyKv.Bench.Comparison;

/// <summary>
/// A three-member etcd cluster on 127.0.0.1, each member on free client and peer ports with a
/// fresh data directory, ready once every member answers a linearizable read.
/// </summary>
public sealed class EtcdCluster
{
    private EtcdCluster(IReadOnlyList<ChildProcess> members, IReadOnlyList<string> clientAddresses)
    {
        Members = members;
        ClientAddresses = clientAddresses;
    }

    public IReadOnlyList<ChildProcess> Members { get; }

    /// <summary>host:port of each member's client service.</summary>
    public IReadOnlyList<string> ClientAddresses { get; }

    /// <summary>The endpoint list for <c>--endpoints</c>.</summary>
    public string Endpoints => string.Join(",", ClientAddresses);

    /// <summary>The members' version line (<c>etcd --version</c>).</summary>
    public static string Version(string etcdBinary)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(etcdBinary, "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null)
            {
                return "unknown";
            }

            var first = process.StandardOutput.ReadLine();
            process.WaitForExit(10_000);
            // "etcd Version: 3.4.23" reads "etcd 3.4.23".
            return first?.Replace("Version: ", "", StringComparison.Ordinal) ?? "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }

    /// <summary>Starts the members (kept in <paramref name="group"/>) under <paramref name="dataRoot"/> and waits until each serves.</summary>
    /// <exception cref="TimeoutException">A member did not serve within 30 s.</exception>
    public static async Task<EtcdCluster> StartAsync(ChildProcessGroup group, string etcdBinary, string dataRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ports = FreePorts.Take(6);
        var peer = Enumerable.Range(0, 3).Select(i => $"http://127.0.0.1:{ports[3 + i]}").ToArray();
        var client = Enumerable.Range(0, 3).Select(i => $"127.0.0.1:{ports[i]}").ToArray();
        var initial = string.Join(",", peer.Select((url, i) => $"m{i + 1}={url}"));
        var members = new List<ChildProcess>();
        for (var i = 0; i < 3; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"m{i + 1}");
            members.Add(group.Start($"etcd {name}", etcdBinary,
            [
                "--name", name,
                "--data-dir", Path.Combine(dataRoot, "etcd-" + name),
                "--listen-client-urls", "http://" + client[i],
                "--advertise-client-urls", "http://" + client[i],
                "--listen-peer-urls", peer[i],
                "--initial-advertise-peer-urls", peer[i],
                "--initial-cluster", initial,
                "--initial-cluster-token", "tinykv-compare",
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-level", "warn",
            ]));
        }

        foreach (var (address, member) in client.Zip(members))
        {
            await WaitServingAsync(address, member, cancellationToken).ConfigureAwait(false);
        }

        return new EtcdCluster(members, client);
    }

    private static async Task WaitServingAsync(string address, ChildProcess member, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress("http://" + address);
        var kv = new KV.KVClient(channel);
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (member.HasExited)
            {
                throw new InvalidOperationException($"{member.Name} exited before serving: {member.Output}");
            }

            try
            {
                await kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("ready") }, deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < limit && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw new TimeoutException($"{member.Name} did not serve within 30 s ({ex.StatusCode}): {member.Output}", ex);
            }
        }
    }
}
