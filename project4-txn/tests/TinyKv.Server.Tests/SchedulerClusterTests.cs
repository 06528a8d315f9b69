using System.Diagnostics;
using System.Net;
using FluentAssertions;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Client.Regions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.SchedulerServer;
using TinyKv.Server.Scheduling;
using TinyKv.TestKit;
using Xunit;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// Stores started with a scheduler (<c>tinykv-server --scheduler</c>), in this process with a
/// <c>tinyscheduler-server</c>: they get their ids there, the first one bootstraps the cluster,
/// the scheduler's replica checker gives the first region its three replicas over the raft
/// transport, whose addresses come from the scheduler. Every wait is bounded.
/// </summary>
public sealed class SchedulerClusterTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new("tinykv-scheduler-cluster");
    private readonly List<TinyKvServer> _stores = [];
    private readonly List<TinySchedulerServer> _schedulers = [];
    private IReadOnlyList<int> _ports = [];

    public Task InitializeAsync()
    {
        _ports = ReplicatedCluster.FreePorts(4);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var scheduler in _schedulers)
        {
            await scheduler.DisposeAsync();
        }
    }

    /// <summary>Deletes the data, after <see cref="DisposeAsync"/> stopped every server.</summary>
    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Three_stores_join_through_the_scheduler_and_the_first_region_gets_a_peer_on_each()
    {
        var scheduler = await StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await StartStoreAsync(scheduler, i);
        }

        using var channel = GrpcChannel.ForAddress(scheduler.Url);
        var client = new SchedulerClient(channel);
        var header = new RequestHeader { ClusterId = scheduler.ClusterId };
        var region = await WaitForAsync("the first region to have a peer on each of the 3 stores and a leader", async () =>
        {
            var found = await client.GetRegionAsync(new GetRegionRequest { Header = header, RegionKey = ByteString.Empty });
            return found.Region is { Peers.Count: 3 } && found.Leader is not null ? found : null;
        });

        var stores = await client.GetAllStoresAsync(new GetAllStoresRequest { Header = header });
        stores.Stores.Select(s => s.Id).Should().BeEquivalentTo(_stores.Select(s => s.Store!.StoreId), "every store registered under the id it got");
        stores.Stores.Select(s => s.Address).Should().BeEquivalentTo(_stores.Select(s => $"{s.Address}"));
        region.Region.Peers.Select(p => p.StoreId).Should().BeEquivalentTo(_stores.Select(s => s.Store!.StoreId));

        var leader = _stores.Single(s => s.Store!.StoreId == region.Leader.StoreId);
        await PutAsync(leader, "k1", "v1");
        (await GetAsync(leader, "k1")).Should().Be("v1");

        // Every replica applies the write: each store's engine holds it, read through its own peer.
        foreach (var store in _stores)
        {
            var status = await WaitForAsync($"store {store.Store!.StoreId} to apply the write", async () =>
                (await store.Store.StatusAsync()).SingleOrDefault(p => p.AppliedIndex >= 7));
            status.RegionId.Should().Be(region.Region.Id);
        }
    }

    [Fact]
    public async Task Regions_split_as_they_grow_and_a_region_aware_client_reads_every_key_back()
    {
        const int keys = 300;
        var scheduler = await StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await StartStoreAsync(scheduler, i, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
        }

        using (var writer = RawKvClient.Connect(scheduler.Url))
        {
            for (var i = 0; i < keys; i++)
            {
                await writer.PutAsync(Key(i), ByteString.CopyFromUtf8($"value {i} {new string('x', 32)}"));
            }
        }

        using var channel = GrpcChannel.ForAddress(scheduler.Url);
        var client = new SchedulerClient(channel);
        var header = new RequestHeader { ClusterId = scheduler.ClusterId };
        var regions = await WaitForAsync("the data to be split into at least 4 regions of 3 peers", async () =>
        {
            var scan = await client.ScanRegionsAsync(new ScanRegionsRequest { Header = header, StartKey = ByteString.Empty, Limit = 1000 });
            return scan.Regions.Count >= 4 && scan.Regions.All(r => r.Peers.Count == 3) ? scan : null;
        });
        regions.Regions.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        for (var i = 1; i < regions.Regions.Count; i++)
        {
            regions.Regions[i].StartKey.Should().Equal(regions.Regions[i - 1].EndKey, "the regions tile the key space");
        }

        // A fresh client learns the regions as it goes, and finds every key.
        using var reader = RawKvClient.Connect(scheduler.Url);
        for (var i = 0; i < keys; i++)
        {
            (await reader.GetAsync(Key(i)))?.ToStringUtf8().Should().StartWith($"value {i} ");
        }

        reader.Regions.Count.Should().BeGreaterThanOrEqualTo(4);
        var all = await reader.ScanAsync(ByteString.Empty, keys + 10);
        all.Select(p => p.Key.ToStringUtf8()).Should().Equal(Enumerable.Range(0, keys).Select(i => Key(i).ToStringUtf8()));
    }

    [Fact]
    public async Task A_fourth_store_that_joins_receives_regions_until_the_balance_settles()
    {
        const int keys = 300;
        var scheduler = await StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await StartStoreAsync(scheduler, i, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
        }

        using var client = RawKvClient.Connect(scheduler.Url);
        for (var i = 0; i < keys; i++)
        {
            await client.PutAsync(Key(i), ByteString.CopyFromUtf8($"value {i} {new string('x', 32)}"));
        }

        using var channel = GrpcChannel.ForAddress(scheduler.Url);
        var schedulerClient = new SchedulerClient(channel);
        var header = new RequestHeader { ClusterId = scheduler.ClusterId };
        async Task<ScanRegionsResponse> RegionsAsync() =>
            await schedulerClient.ScanRegionsAsync(new ScanRegionsRequest { Header = header, StartKey = ByteString.Empty, Limit = 1000 });
        var before = await WaitForAsync("the data to be split into at least 6 regions", async () =>
            await RegionsAsync() is { Regions.Count: >= 6 } scan ? scan : null);

        var fourth = await StartStoreAsync(scheduler, 3, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
        var newcomer = fourth.Store!.StoreId;

        // Balance-region moves replicas to the empty store: some regions end up with a peer there,
        // every region keeps three, and the new store's engine applies what it was given.
        var after = await WaitForAsync("the new store to hold peers of at least 2 regions, every region with 3 peers", async () =>
        {
            var scan = await RegionsAsync();
            return scan.Regions.Count(r => r.Peers.Any(p => p.StoreId == newcomer)) >= 2 && scan.Regions.All(r => r.Peers.Count == 3) ? scan : null;
        });
        after.Regions.Count.Should().BeGreaterThanOrEqualTo(before.Regions.Count);
        await WaitForAsync("the new store to run peers of at least 2 regions", async () =>
            (await fourth.Store.StatusAsync()) is { Count: >= 2 } peers ? peers : null);

        for (var i = 0; i < keys; i++)
        {
            (await client.GetAsync(Key(i)))?.ToStringUtf8().Should().StartWith($"value {i} ", "key {0} survives the moves", i);
        }
    }

    [Fact]
    public async Task A_restarted_store_keeps_its_id_and_its_data()
    {
        var scheduler = await StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        var first = await StartStoreAsync(scheduler, 0);
        var id = first.Store!.StoreId;
        await WaitForAsync("the store to lead its region", async () => (await first.Store.StatusAsync()).SingleOrDefault(p => p.IsLeader));
        await PutAsync(first, "k", "v");

        await first.DisposeAsync();
        _stores.Remove(first);
        var again = await StartStoreAsync(scheduler, 0);

        again.Store!.StoreId.Should().Be(id);
        await WaitForAsync("the store to lead its region again", async () => (await again.Store.StatusAsync()).SingleOrDefault(p => p.IsLeader));
        (await GetAsync(again, "k")).Should().Be("v");
    }

    [Fact]
    public async Task A_store_of_another_cluster_is_refused_with_a_clear_error_and_keeps_its_data()
    {
        var first = await StartSchedulerAsync("scheduler-a", seed: TestSeed.Value);
        var store = await StartStoreAsync(first, 0);
        await store.DisposeAsync();
        _stores.Remove(store);
        var other = await StartSchedulerAsync("scheduler-b", seed: TestSeed.Value + 1);
        other.ClusterId.Should().NotBe(first.ClusterId);

        var start = () => StartStoreAsync(other, 0);

        (await start.Should().ThrowAsync<IOException>()).Which.Message.Should()
            .Contain($"cluster {first.ClusterId}").And.Contain($"serves cluster {other.ClusterId}");
        var back = await StartStoreAsync(first, 0);
        back.Store!.StoreId.Should().BePositive();
    }

    [Fact]
    public async Task A_second_store_over_the_same_data_directory_is_refused_and_the_first_keeps_serving()
    {
        var scheduler = await StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        var first = await StartStoreAsync(scheduler, 0);
        await WaitForAsync("the store to lead its region", async () => (await first.Store!.StatusAsync()).SingleOrDefault(p => p.IsLeader));

        var second = () => TinyKvServer.StartAsync(StoreOptions(0) with { Address = new IPEndPoint(IPAddress.Loopback, _ports[1]), Scheduler = scheduler.Url });

        await second.Should().ThrowAsync<IOException>();
        await PutAsync(first, "still", "serving");
        (await GetAsync(first, "still")).Should().Be("serving");
    }

    [Fact]
    public async Task A_scheduler_that_does_not_answer_is_a_clear_error()
    {
        var silent = ReplicatedCluster.FreePorts(1)[0];
        var options = StoreOptions(0) with { Scheduler = new Uri($"http://127.0.0.1:{silent}"), SchedulerPatience = TimeSpan.FromSeconds(1) };

        var start = () => TinyKvServer.StartAsync(options);

        (await start.Should().ThrowAsync<SchedulerCallException>()).Which.Message.Should().Contain($"127.0.0.1:{silent}").And.Contain("does not answer");
    }

    private static async Task<T> WaitForAsync<T>(string what, Func<Task<T?>> probe)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (watch.Elapsed > s_settle)
            {
                throw new TimeoutException($"waited {s_settle.TotalSeconds:F0} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Writes through <paramref name="store"/>, or through the store a NotLeader answer names (leadership may move under load), for at most the settle time.</summary>
    private Task PutAsync(TinyKvServer store, string key, string value) =>
        AtLeaderAsync(store, async client =>
        {
            var response = await client.RawPutAsync(
                new RawPutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Cf = "default" },
                deadline: DateTime.UtcNow.AddSeconds(30));
            response.Error.Should().BeEmpty();
            return (response.RegionError, true);
        });

    /// <summary>Reads through <paramref name="store"/> as <see cref="PutAsync"/> writes; null when absent.</summary>
    private Task<string?> GetAsync(TinyKvServer store, string key) =>
        AtLeaderAsync(store, async client =>
        {
            var response = await client.RawGetAsync(new RawGetRequest { Key = ByteString.CopyFromUtf8(key), Cf = "default" }, deadline: DateTime.UtcNow.AddSeconds(30));
            response.Error.Should().BeEmpty();
            return (response.RegionError, response.NotFound ? null : response.Value.ToStringUtf8());
        });

    private async Task<T> AtLeaderAsync<T>(TinyKvServer first, Func<TinyKvClient, Task<(Proto.Errorpb.Error? RegionError, T Result)>> call)
    {
        var watch = Stopwatch.StartNew();
        var store = first;
        while (true)
        {
            using var channel = GrpcChannel.ForAddress(store.Url);
            var (error, result) = await call(new TinyKvClient(channel));
            if (error is null)
            {
                return result;
            }

            if (watch.Elapsed > s_settle)
            {
                throw new TimeoutException($"no leader answered within {s_settle.TotalSeconds:F0} s; last region error: {error}");
            }

            var hinted = error.NotLeader?.Leader?.StoreId;
            store = _stores.FirstOrDefault(s => s.Store!.StoreId == hinted) ?? _stores[(_stores.IndexOf(store) + 1) % _stores.Count];
            await Task.Delay(50);
        }
    }

    private async Task<TinySchedulerServer> StartSchedulerAsync(string name, long seed)
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

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"key-{i:D4}");

    private async Task<TinyKvServer> StartStoreAsync(TinySchedulerServer scheduler, int index, Func<ServerOptions, ServerOptions>? tune = null)
    {
        var store = await TinyKvServer.StartAsync((tune ?? (o => o))(StoreOptions(index) with { Scheduler = scheduler.Url }));
        _stores.Add(store);
        return store;
    }

    private ServerOptions StoreOptions(int index) => new()
    {
        Address = new IPEndPoint(IPAddress.Loopback, _ports[index]),
        DataDirectory = _data.Combine($"store-{index}"),
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        RaftTick = TimeSpan.FromMilliseconds(20),
    };
}
