using System.Diagnostics;
using System.Net;
using FluentAssertions;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Client.Regions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Schedulerpb;
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
    private readonly SchedulerClusterHarness _cluster = new("tinykv-scheduler-cluster", 4);

    private IReadOnlyList<TinyKvServer> Stores => _cluster.Stores;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.StopAsync();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task ThreeStores_join_through_the_scheduler_and_the_first_region_gets_a_peer_on_each()
    {
        var scheduler = await _cluster.StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await _cluster.StartStoreAsync(scheduler, i);
        }

        using var channel = GrpcChannel.ForAddress(scheduler.Url);
        var client = new SchedulerClient(channel);
        var header = new RequestHeader { ClusterId = scheduler.ClusterId };
        var region = await SchedulerClusterHarness.WaitForAsync("the first region to have a peer on each of the 3 stores and a leader", async () =>
        {
            var found = await client.GetRegionAsync(new GetRegionRequest { Header = header, RegionKey = ByteString.Empty });
            return found.Region is { Peers.Count: 3 } && found.Leader is not null ? found : null;
        });

        var stores = await client.GetAllStoresAsync(new GetAllStoresRequest { Header = header });
        stores.Stores.Select(s => s.Id).Should().BeEquivalentTo(Stores.Select(s => s.Store!.StoreId), "every store registered under the id it got");
        stores.Stores.Select(s => s.Address).Should().BeEquivalentTo(Stores.Select(s => $"{s.Address}"));
        region.Region.Peers.Select(p => p.StoreId).Should().BeEquivalentTo(Stores.Select(s => s.Store!.StoreId));

        var leader = Stores.Single(s => s.Store!.StoreId == region.Leader.StoreId);
        await PutAsync(leader, "k1", "v1");
        (await GetAsync(leader, "k1")).Should().Be("v1");

        // Every replica applies the write: each store's engine holds it, read through its own peer.
        foreach (var store in Stores)
        {
            var status = await SchedulerClusterHarness.WaitForAsync($"store {store.Store!.StoreId} to apply the write", async () =>
                (await store.Store.StatusAsync()).SingleOrDefault(p => p.AppliedIndex >= 7));
            status.RegionId.Should().Be(region.Region.Id);
        }
    }

    [Fact]
    public async Task Regions_split_as_they_grow_and_a_region_aware_client_reads_every_key_back()
    {
        const int keys = 300;
        var scheduler = await _cluster.StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await _cluster.StartStoreAsync(scheduler, i, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
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
        var regions = await SchedulerClusterHarness.WaitForAsync("the data to be split into at least 4 regions of 3 peers", async () =>
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

        // The client's region map is the scheduler's: a fresh client that scanned every key knows
        // each region with the scheduler's key range and epoch, and they tile the key space. The
        // last region may still be splitting (it holds more than the split size until the split
        // checker has cut it down, one piece per check), and a client can learn of a split from a
        // store before the scheduler does, so a scan that saw the regions change is tried again
        // with a new client until one sees the same map as the scheduler before and after it.
        await SchedulerClusterHarness.WaitForAsync("a fresh client's region map to be the scheduler's while nothing splits", async () =>
        {
            var before = await ScanRegionsAsync();
            using var fresh = RawKvClient.Connect(scheduler.Url);
            (await fresh.ScanAsync(ByteString.Empty, keys + 10)).Should().HaveCount(keys);
            var after = await ScanRegionsAsync();
            var learnt = fresh.Regions.Regions.Select(l => (l.Region.Id, l.Region.StartKey, l.Region.EndKey, l.Region.RegionEpoch));
            return before.SequenceEqual(after) && learnt.SequenceEqual(after.Select(r => (r.Id, r.StartKey, r.EndKey, r.RegionEpoch))) ? after : null;
        });

        async Task<IReadOnlyList<TinyKv.Proto.Metapb.Region>> ScanRegionsAsync() =>
            (await client.ScanRegionsAsync(new ScanRegionsRequest { Header = header, StartKey = ByteString.Empty, Limit = 1000 })).Regions;
    }

    [Fact]
    public async Task A_fourth_store_that_joins_receives_regions_until_the_balance_settles()
    {
        const int keys = 300;
        var scheduler = await _cluster.StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await _cluster.StartStoreAsync(scheduler, i, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
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
        var before = await SchedulerClusterHarness.WaitForAsync("the data to be split into at least 6 regions", async () =>
            await RegionsAsync() is { Regions.Count: >= 6 } scan ? scan : null);

        var fourth = await _cluster.StartStoreAsync(scheduler, 3, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
        var newcomer = fourth.Store!.StoreId;

        // Balance-region moves replicas to the empty store: some regions end up with a peer there,
        // every region keeps three, and the new store's engine applies what it was given.
        var after = await SchedulerClusterHarness.WaitForAsync("the new store to hold peers of at least 2 regions, every region with 3 peers", async () =>
        {
            var scan = await RegionsAsync();
            return scan.Regions.Count(r => r.Peers.Any(p => p.StoreId == newcomer)) >= 2 && scan.Regions.All(r => r.Peers.Count == 3) ? scan : null;
        });
        after.Regions.Count.Should().BeGreaterThanOrEqualTo(before.Regions.Count);
        await SchedulerClusterHarness.WaitForAsync("the new store to run peers of at least 2 regions", async () =>
            (await fourth.Store.StatusAsync()) is { Count: >= 2 } peers ? peers : null);

        for (var i = 0; i < keys; i++)
        {
            (await client.GetAsync(Key(i)))?.ToStringUtf8().Should().StartWith($"value {i} ", "key {0} survives the moves", i);
        }
    }

    [Fact]
    public async Task A_restarted_store_keeps_its_id_and_its_data()
    {
        var scheduler = await _cluster.StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        var first = await _cluster.StartStoreAsync(scheduler, 0);
        var id = first.Store!.StoreId;
        await SchedulerClusterHarness.WaitForAsync("the store to lead its region", async () => (await first.Store.StatusAsync()).SingleOrDefault(p => p.IsLeader));
        await PutAsync(first, "k", "v");

        await _cluster.StopStoreAsync(first);
        var again = await _cluster.StartStoreAsync(scheduler, 0);

        again.Store!.StoreId.Should().Be(id);
        await SchedulerClusterHarness.WaitForAsync("the store to lead its region again", async () => (await again.Store.StatusAsync()).SingleOrDefault(p => p.IsLeader));
        (await GetAsync(again, "k")).Should().Be("v");
    }

    [Fact]
    public async Task A_store_of_another_cluster_is_refused_with_a_clear_error_and_keeps_its_data()
    {
        var first = await _cluster.StartSchedulerAsync("scheduler-a", seed: TestSeed.Value);
        var store = await _cluster.StartStoreAsync(first, 0);
        await _cluster.StopStoreAsync(store);
        var other = await _cluster.StartSchedulerAsync("scheduler-b", seed: TestSeed.Value + 1);
        other.ClusterId.Should().NotBe(first.ClusterId);

        var start = () => _cluster.StartStoreAsync(other, 0);

        (await start.Should().ThrowAsync<IOException>()).Which.Message.Should()
            .Contain($"cluster {first.ClusterId}").And.Contain($"serves cluster {other.ClusterId}");
        var back = await _cluster.StartStoreAsync(first, 0);
        back.Store!.StoreId.Should().BePositive();
    }

    [Fact]
    public async Task A_second_store_over_the_same_data_directory_is_refused_and_the_first_keeps_serving()
    {
        var scheduler = await _cluster.StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        var first = await _cluster.StartStoreAsync(scheduler, 0);
        await SchedulerClusterHarness.WaitForAsync("the store to lead its region", async () => (await first.Store!.StatusAsync()).SingleOrDefault(p => p.IsLeader));

        var second = () => TinyKvServer.StartAsync(_cluster.StoreOptions(0) with { Address = new IPEndPoint(IPAddress.Loopback, _cluster.Port(1)), Schedulers = [scheduler.Url] });

        await second.Should().ThrowAsync<IOException>();
        await PutAsync(first, "still", "serving");
        (await GetAsync(first, "still")).Should().Be("serving");
    }

    [Fact]
    public async Task A_scheduler_that_does_not_answer_is_a_clear_error()
    {
        var silent = ReplicatedCluster.FreePorts(1)[0];
        var options = _cluster.StoreOptions(0) with { Schedulers = [new Uri($"http://127.0.0.1:{silent}")], SchedulerPatience = TimeSpan.FromSeconds(1) };

        var start = () => TinyKvServer.StartAsync(options);

        (await start.Should().ThrowAsync<SchedulerCallException>()).Which.Message.Should().Contain($"127.0.0.1:{silent}").And.Contain("does not answer");
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

            if (watch.Elapsed > SchedulerClusterHarness.Settle)
            {
                throw new TimeoutException($"no leader answered within {SchedulerClusterHarness.Settle.TotalSeconds:F0} s; last region error: {error}");
            }

            var hinted = error.NotLeader?.Leader?.StoreId;
            store = Stores.FirstOrDefault(s => s.Store!.StoreId == hinted) ?? Stores[(Stores.ToList().IndexOf(store) + 1) % Stores.Count];
            await Task.Delay(50);
        }
    }

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"key-{i:D4}");
}
