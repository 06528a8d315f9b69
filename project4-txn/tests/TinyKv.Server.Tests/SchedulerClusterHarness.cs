using System.Diagnostics;
using System.Net;
using TinyKv.SchedulerServer;
using TinyKv.TestKit;

namespace TinyKv.Server.Tests;

/// <summary>
/// A scheduler and stores started with it, in this process, on free loopback ports, their data
/// in one temporary folder: what the tests of a multi-region cluster share. <see cref="StopAsync"/>
/// stops every server; disposing, after that, deletes the data.
/// </summary>
internal sealed class SchedulerClusterHarness : IDisposable
{
    /// <summary>How long a test waits for the cluster to reach a state before failing.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data;
    private readonly List<TinyKvServer> _stores = [];
    private readonly List<TinySchedulerServer> _schedulers = [];
    private readonly IReadOnlyList<int> _ports;

    /// <summary>A harness with room for <paramref name="stores"/> stores, its data in a folder named after <paramref name="name"/>.</summary>
    public SchedulerClusterHarness(string name, int stores)
    {
        _data = new TempDirectory(name);
        _ports = ReplicatedCluster.FreePorts(stores);
    }

    /// <summary>The running stores, in the order started.</summary>
    public IReadOnlyList<TinyKvServer> Stores => _stores;

    /// <summary>The port store <paramref name="index"/> serves on.</summary>
    public int Port(int index) => _ports[index];

    /// <summary>Starts a scheduler with its data in a folder named <paramref name="name"/>.</summary>
    public async Task<TinySchedulerServer> StartSchedulerAsync(string name, long seed)
    {
        var scheduler = await TinySchedulerServer.StartAsync(new SchedulerServerOptions
        {
            Address = new IPEndPoint(IPAddress.Loopback, 0),
            DataDirectory = _data.Combine(name),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            PatrolRegionInterval = TimeSpan.FromMilliseconds(50),
            Seed = seed,
        });
        _schedulers.Add(scheduler);
        return scheduler;
    }

    /// <summary>Starts store <paramref name="index"/> with <paramref name="scheduler"/>, its options changed by <paramref name="tune"/>.</summary>
    public Task<TinyKvServer> StartStoreAsync(TinySchedulerServer scheduler, int index, Func<ServerOptions, ServerOptions>? tune = null) =>
        StartStoreAsync([scheduler.Url], index, tune);

    /// <summary>Starts store <paramref name="index"/> with the scheduler whose members serve at <paramref name="schedulers"/>.</summary>
    public async Task<TinyKvServer> StartStoreAsync(IReadOnlyList<Uri> schedulers, int index, Func<ServerOptions, ServerOptions>? tune = null)
    {
        var store = await TinyKvServer.StartAsync((tune ?? (o => o))(StoreOptions(index) with { Schedulers = schedulers }));
        _stores.Add(store);
        return store;
    }

    /// <summary>Stops <paramref name="store"/> (its data stays).</summary>
    public async Task StopStoreAsync(TinyKvServer store)
    {
        await store.DisposeAsync();
        _stores.Remove(store);
    }

    /// <summary>The options of store <paramref name="index"/>: its port, its data folder, a fast raft tick.</summary>
    public ServerOptions StoreOptions(int index) => new()
    {
        Address = new IPEndPoint(IPAddress.Loopback, _ports[index]),
        DataDirectory = _data.Combine($"store-{index}"),
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        RaftTick = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Polls <paramref name="probe"/> until it returns something, for at most <see cref="Settle"/>.</summary>
    /// <exception cref="TimeoutException">It did not within the time.</exception>
    public static async Task<T> WaitForAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? limit = null)
        where T : class
    {
        var most = limit ?? Settle;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (watch.Elapsed > most)
            {
                throw new TimeoutException($"waited {most.TotalSeconds:F0} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Writes raw filler keys <c>key-0000</c> … up to <paramref name="fillerKeys"/> through
    /// <paramref name="cluster"/>, then waits until the scheduler shows at least
    /// <paramref name="regions"/> regions of three peers each.
    /// </summary>
    public static async Task FillUntilSplitAsync(TinyKv.Client.ClusterClient cluster, int fillerKeys, int regions)
    {
        for (var i = 0; i < fillerKeys; i++)
        {
            await cluster.Raw.PutAsync(Google.Protobuf.ByteString.CopyFromUtf8($"key-{i:D4}"), Google.Protobuf.ByteString.CopyFromUtf8($"filler {i} {new string('x', 32)}"));
        }

        await WaitForAsync($"at least {regions} regions of 3 peers", async () =>
        {
            var scan = await cluster.Scheduler.CallAsync((c, h, o) => c.ScanRegionsAsync(new Proto.Schedulerpb.ScanRegionsRequest { Header = h, StartKey = Google.Protobuf.ByteString.Empty, Limit = 1000 }, o).ResponseAsync);
            return scan.Regions.Count >= regions && scan.Regions.All(r => r.Peers.Count == 3) ? scan : null;
        });
    }

    /// <summary>Stops every store, then every scheduler.</summary>
    public async Task StopAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var scheduler in _schedulers)
        {
            await scheduler.DisposeAsync();
        }

        _stores.Clear();
        _schedulers.Clear();
    }

    /// <summary>Deletes the data, after <see cref="StopAsync"/>.</summary>
    public void Dispose() => _data.Dispose();
}
