using FluentAssertions;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.SchedulerServer;
using TinyKv.TestKit;
using Xunit;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// The cluster client (<see cref="ClusterClient"/>) against a scheduler and three stores whose
/// regions split small: Percolator transactions whose keys live in several regions, timestamps
/// from the scheduler's TSO, a client holding a region from before a split, and
/// <c>tinykv-ctl --scheduler</c>. Every wait and every workload is bounded.
/// </summary>
public sealed class ClusterClientTests : IAsyncLifetime, IDisposable
{
    private const int FillerKeys = 300;
    private readonly SchedulerClusterHarness _cluster = new("tinykv-cluster-client", 3);
    private TinySchedulerServer? _scheduler;

    private TinySchedulerServer Scheduler => _scheduler ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _scheduler = await _cluster.StartSchedulerAsync("scheduler", seed: TestSeed.Value);
        for (var i = 0; i < 3; i++)
        {
            await _cluster.StartStoreAsync(Scheduler, i, o => o with { RegionMaxSize = 1024, RegionSplitSize = 512 });
        }
    }

    public Task DisposeAsync() => _cluster.StopAsync();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Transfers_between_accounts_in_different_regions_commit_all_or_nothing_and_the_total_holds()
    {
        const int accounts = 12;
        const int workers = 4;
        const int transfersPerWorker = 15;
        const int opening = 100;
        await using var cluster = Connect();
        await SchedulerClusterHarness.FillUntilSplitAsync(cluster, FillerKeys, regions: 4);

        // The accounts sit among the filler keys, so they spread over the regions.
        var bank = new Bank(Bank.Keys(Enumerable.Range(0, accounts).Select(i => $"key-{i * FillerKeys / accounts:D4}/account")), opening);
        await bank.OpenAsync(cluster);
        var regionOf = new Dictionary<string, ulong>();
        foreach (var key in bank.Accounts)
        {
            regionOf[Text(key)] = (await cluster.Regions.LocateAsync(key)).Region.Id;
        }

        regionOf.Values.Distinct().Count().Should().BeGreaterThanOrEqualTo(3, "the accounts live in several regions");

        var crossRegion = 0;
        var runs = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(unchecked((int)TestSeed.Value) + w);
            for (var t = 0; t < transfersPerWorker; t++)
            {
                var (committed, from, to) = await bank.TransferAsync(cluster, random);
                if (committed && regionOf[Text(from)] != regionOf[Text(to)])
                {
                    Interlocked.Increment(ref crossRegion);
                }
            }
        })).ToList();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromMinutes(3));

        bank.Unknown.Should().Be(0, "no fault was injected, so the client learns every outcome ({0})", bank.UnknownReasons);
        bank.Committed.Should().BeGreaterThan(workers * transfersPerWorker / 3, $"most transfers commit ({bank.Conflicts} conflicted, {bank.Aborted} rolled back by others)");
        crossRegion.Should().BePositive("some committed transfers moved money between regions");
        var balances = await bank.AuditAsync(cluster);
        balances.Should().OnlyContain(b => b >= 0);
        balances.Sum().Should().Be(bank.Total, "a transfer moves money between regions all or nothing");
    }

    [Fact]
    public async Task Timestamps_from_the_scheduler_are_unique_and_increase_for_every_caller()
    {
        const int callers = 32;
        const int each = 40;
        await using var cluster = Connect();
        var before = await cluster.Transactions.Oracle.NextAsync();

        var sequences = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var taken = new List<ulong>();
            for (var i = 0; i < each; i++)
            {
                taken.Add(await cluster.Transactions.Oracle.NextAsync());
            }

            return taken;
        }))).WaitAsync(TimeSpan.FromMinutes(1));

        sequences.SelectMany(s => s).Should().OnlyHaveUniqueItems().And.OnlyContain(ts => ts > before);
        sequences.Should().OnlyContain(s => s.SequenceEqual(s.Order()), "each caller's timestamps increase");
    }

    [Fact]
    public async Task A_request_with_a_region_epoch_from_before_a_split_is_refused_and_the_client_recovers()
    {
        await using var stale = Connect();
        var probe = ByteString.CopyFromUtf8("key-0290/probe");
        var before = await SchedulerClusterHarness.WaitForAsync("the first region to reach the scheduler", async () =>
        {
            try
            {
                return await stale.Regions.LocateAsync(probe.Memory);
            }
            catch (RegionUnavailableException)
            {
                return null; // it arrives with its store's first region heartbeat
            }
        });
        await using (var writer = Connect())
        {
            await SchedulerClusterHarness.FillUntilSplitAsync(writer, FillerKeys, regions: 4);
        }

        // Sent by hand with the old epoch to every store, to the peer the store has now: the
        // region's leader answers EpochNotMatch with the regions it has now, the others NotLeader
        // (asked again while leadership moves); none writes.
        var now = await stale.Scheduler.CallAsync((c, h, o) => c.GetRegionByIDAsync(new Proto.Schedulerpb.GetRegionByIDRequest { Header = h, RegionId = before.Region.Id }, o).ResponseAsync);
        now.Region.Peers.Should().HaveCount(3);
        var refusal = await SchedulerClusterHarness.WaitForAsync("the region's leader to refuse the stale epoch", async () =>
        {
            var answers = new List<Proto.Errorpb.Error?>();
            foreach (var store in _cluster.Stores)
            {
                using var channel = GrpcChannel.ForAddress(store.Url);
                var response = await new TinyKvClient(channel).RawPutAsync(new RawPutRequest
                {
                    Context = new Context { RegionId = before.Region.Id, RegionEpoch = before.Region.RegionEpoch, Peer = now.Region.Peers.Single(p => p.StoreId == store.Store!.StoreId) },
                    Key = probe,
                    Value = ByteString.CopyFromUtf8("from the past"),
                    Cf = "default",
                });
                response.Error.Should().BeEmpty();
                answers.Add(response.RegionError);
            }

            answers.Should().OnlyContain(e => e != null, "a stale epoch is never served");
            return answers.FirstOrDefault(e => e!.EpochNotMatch != null);
        });
        refusal.EpochNotMatch.CurrentRegions.Should().NotBeEmpty();
        refusal.EpochNotMatch.CurrentRegions.Should().OnlyContain(r => r.RegionEpoch.Version > before.Region.RegionEpoch.Version);
        (await stale.Raw.GetAsync(probe)).Should().BeNull("the refused write wrote nothing");

        // The client still holding the old region is corrected by that answer and carries on.
        await stale.Raw.PutAsync(probe, ByteString.CopyFromUtf8("now"));
        (await stale.Raw.GetAsync(probe))!.ToStringUtf8().Should().Be("now");
        (await stale.Regions.LocateAsync(probe.Memory)).Region.RegionEpoch.Version.Should().BeGreaterThan(before.Region.RegionEpoch.Version);
    }

    [Fact]
    public async Task Tinykv_ctl_with_the_scheduler_writes_reads_scans_and_runs_transactions_across_regions()
    {
        await using (var writer = Connect())
        {
            await SchedulerClusterHarness.FillUntilSplitAsync(writer, FillerKeys, regions: 3);
        }

        var scheduler = Scheduler.Url.Authority;
        var put = ServerProcessTests.RunCtl("--scheduler", scheduler, "put", "key-0010/ctl", "first");
        var txn = ServerProcessTests.RunCtl("--scheduler", scheduler, "txn", "set key-0005/t a; set key-0295/t b; commit; get key-0005/t; get key-0295/t");
        var get = ServerProcessTests.RunCtl("--scheduler", scheduler, "get", "key-0010/ctl");
        var scan = ServerProcessTests.RunCtl("--scheduler", scheduler, "scan", "--start", "key-0009", "--limit", "3");
        var unreachable = ServerProcessTests.RunCtl("--scheduler", $"127.0.0.1:{ReplicatedCluster.FreePorts(1)[0]}", "get", "k");

        put.ExitCode.Should().Be(0, put.Stderr);
        put.Stdout.Should().Be("OK");
        txn.ExitCode.Should().Be(0, txn.Stderr);
        txn.Stdout.Split('\n').Should().HaveCount(3).And.Contain("key-0005/t = a").And.Contain("key-0295/t = b");
        get.ExitCode.Should().Be(0, get.Stderr);
        get.Stdout.Should().Be("first");
        scan.ExitCode.Should().Be(0, scan.Stderr);
        scan.Stdout.Split('\n').Select(l => l.Split('\t')[0]).Should().Equal("key-0009", "key-0010", "key-0010/ctl");
        unreachable.ExitCode.Should().Be(1);
        unreachable.Stderr.Should().StartWith("error: ").And.Contain("no scheduler leader").And.NotContain("\n");
    }

    private static string Text(byte[] key) => System.Text.Encoding.UTF8.GetString(key);

    private ClusterClient Connect() => ClusterClient.Connect([Scheduler.Url], new RegionClientOptions { MaxAttempts = 40 });
}
