using FluentAssertions;
using Google.Protobuf;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// A multi-region cluster growing on real processes: a <c>tinyscheduler-server</c> and three
/// <c>tinykv-server --scheduler</c> processes take enough data to split into several regions,
/// every key reads back, a fourth store process joins and receives regions until the scheduler's
/// map stops changing, and a fresh client's region map is the scheduler's. Bounded in time and
/// operations; every process is killed by id at the end.
/// </summary>
public sealed class GrowingClusterProcessTests : IDisposable
{
    private const int Keys = 300;
    private readonly TempDirectory _data = new("tinykv-growing-cluster");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Data_splits_into_regions_a_fourth_store_receives_some_and_the_client_map_is_the_schedulers()
    {
        using var processes = await SchedulerProcesses.StartAsync(_data, 3, "--region-max-size", "1024", "--region-split-size", "512");
        await using var cluster = ClusterClient.Connect([processes.Scheduler.Url], new RegionClientOptions { MaxAttempts = 60 });
        await SchedulerClusterHarness.FillUntilSplitAsync(cluster, Keys, regions: 4);
        await ReadsEveryKeyAsync(cluster);

        // The fourth store joins empty; balance-region moves replicas to it.
        var fourth = processes.StartStore();
        var newcomer = await SchedulerClusterHarness.WaitForAsync("the fourth store to register", async () =>
        {
            var all = await cluster.Scheduler.CallAsync((c, h, o) => c.GetAllStoresAsync(new GetAllStoresRequest { Header = h }, o).ResponseAsync);
            return all.Stores.FirstOrDefault(s => s.Address == fourth.Address);
        });
        var settled = await SchedulerClusterHarness.WaitForAsync("the fourth store to hold at least 2 regions and the map to stop changing for 2 s", async () =>
        {
            var first = await RegionsAsync(cluster);
            if (first.Regions.Count(r => r.Peers.Any(p => p.StoreId == newcomer.Id)) < 2 || !first.Regions.All(r => r.Peers.Count == 3))
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            var second = await RegionsAsync(cluster);
            return first.Regions.SequenceEqual(second.Regions) ? second : null;
        }, TimeSpan.FromMinutes(2));

        settled.Regions.Count.Should().BeGreaterThanOrEqualTo(4);
        for (var i = 1; i < settled.Regions.Count; i++)
        {
            settled.Regions[i].StartKey.Should().Equal(settled.Regions[i - 1].EndKey, "the regions tile the key space");
        }

        await ReadsEveryKeyAsync(cluster);

        // A fresh client learns the regions as it scans: the same ids, key ranges and epochs.
        await using var fresh = ClusterClient.Connect([processes.Scheduler.Url], new RegionClientOptions { MaxAttempts = 60 });
        (await fresh.Raw.ScanAsync(ByteString.Empty, Keys + 10)).Should().HaveCount(Keys);
        fresh.Regions.Regions.Select(l => (l.Region.Id, l.Region.StartKey, l.Region.EndKey, l.Region.RegionEpoch))
            .Should().Equal(settled.Regions.Select(r => (r.Id, r.StartKey, r.EndKey, r.RegionEpoch)));
    }

    private static async Task ReadsEveryKeyAsync(ClusterClient cluster)
    {
        for (var i = 0; i < Keys; i++)
        {
            (await cluster.Raw.GetAsync(ByteString.CopyFromUtf8($"key-{i:D4}")))?.ToStringUtf8().Should().StartWith($"filler {i} ", "key {0} reads back", i);
        }
    }

    private static Task<ScanRegionsResponse> RegionsAsync(ClusterClient cluster) =>
        cluster.Scheduler.CallAsync((c, h, o) => c.ScanRegionsAsync(new ScanRegionsRequest { Header = h, StartKey = ByteString.Empty, Limit = 1000 }, o).ResponseAsync);
}
