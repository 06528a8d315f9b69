using System.Globalization;

namespace TinyKv.Cluster;

/// <summary>What <c>tinykv-cluster up</c> was asked for.</summary>
/// <param name="Stores">How many <c>tinykv-server</c> stores.</param>
/// <param name="Schedulers">1, or 3 for a highly available group over one etcd.</param>
/// <param name="LogLevel">The servers' <c>--log-level</c>.</param>
public sealed record ClusterRequest(int Stores, int Schedulers, string LogLevel = "warn")
{
    /// <summary>The most stores one <c>up</c> starts.</summary>
    public const int MaxStores = 32;

    /// <summary>Throws when the request cannot be met.</summary>
    /// <exception cref="ClusterException">Too few or too many stores, or a scheduler count other than 1 or 3.</exception>
    public void Validate()
    {
        if (Stores is < 1 or > MaxStores)
        {
            throw new ClusterException($"--stores must be between 1 and {MaxStores}, not {Stores}");
        }

        if (Schedulers is not (1 or 3))
        {
            throw new ClusterException($"--schedulers must be 1 or 3, not {Schedulers}");
        }
    }
}

/// <summary>
/// Lays out a new cluster in a folder: a sub-folder per process with its data and log, free
/// loopback ports, and the command line of each process. Pure: it starts nothing.
/// </summary>
public static class ClusterPlan
{
    /// <summary>The processes of <paramref name="request"/> in <paramref name="directory"/> (absolute), in start order: etcd, schedulers, stores.</summary>
    /// <param name="etcd">The etcd binary, needed only with three schedulers.</param>
    public static ClusterState Lay(string directory, ClusterRequest request, ProgramPath scheduler, ProgramPath store, string? etcd, Func<int, IReadOnlyList<int>> freePorts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(freePorts);
        request.Validate();
        var ha = request.Schedulers > 1;
        if (ha && etcd is null)
        {
            throw new ClusterException("--schedulers 3 needs etcd");
        }

        var ports = new Queue<int>(freePorts((ha ? 2 : 0) + request.Schedulers + request.Stores));
        var processes = new List<ClusterProcess>();
        string? etcdUrl = null;
        if (ha)
        {
            var (client, peer) = (ports.Dequeue(), ports.Dequeue());
            var name = "etcd-1";
            var data = Path.Combine(directory, name, "data");
            etcdUrl = $"http://127.0.0.1:{client}";
            var peerUrl = $"http://127.0.0.1:{peer}";
            processes.Add(Process(directory, name, ProcessRole.Etcd, $"127.0.0.1:{client}", [client, peer],
            [
                etcd!,
                "--name", name,
                "--data-dir", data,
                "--listen-client-urls", etcdUrl,
                "--advertise-client-urls", etcdUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", $"{name}={peerUrl}",
                "--initial-cluster-token", "tinykv-cluster",
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-level", "warn",
            ]));
        }

        var schedulers = Enumerable.Range(1, request.Schedulers).Select(i => (Name: Name("scheduler", i), Port: ports.Dequeue())).ToList();
        foreach (var (name, port) in schedulers)
        {
            List<string> arguments = ["--addr", $"127.0.0.1:{port}", "--data-dir", Path.Combine(directory, name, "data"), "--log-level", request.LogLevel];
            if (etcdUrl is not null)
            {
                arguments.AddRange(["--etcd", etcdUrl]);
            }

            processes.Add(Process(directory, name, ProcessRole.Scheduler, $"127.0.0.1:{port}", [port], scheduler.Command(arguments)));
        }

        var schedulerList = string.Join(',', schedulers.Select(s => $"127.0.0.1:{s.Port}"));
        for (var i = 1; i <= request.Stores; i++)
        {
            var (name, port) = (Name("store", i), ports.Dequeue());
            processes.Add(Process(directory, name, ProcessRole.Store, $"127.0.0.1:{port}", [port], store.Command(
                "--scheduler", schedulerList, "--addr", $"127.0.0.1:{port}", "--data-dir", Path.Combine(directory, name, "data"), "--log-level", request.LogLevel,
                "--fault-injection")));
        }

        return new ClusterState { Processes = processes };
    }

    private static string Name(string role, int i) => string.Create(CultureInfo.InvariantCulture, $"{role}-{i}");

    private static ClusterProcess Process(string directory, string name, ProcessRole role, string address, IReadOnlyList<int> ports, IReadOnlyList<string> command) => new()
    {
        Name = name,
        Role = role,
        Address = address,
        Ports = ports,
        Command = command,
        DataDirectory = Path.Combine(directory, name, "data"),
        LogPath = Path.Combine(directory, name, name + ".log"),
    };
}
