using System.Diagnostics;
using FluentAssertions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Client.Regions;
using TinyKv.Proto.Debugpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.TestKit;
using TinyKv.TestKit.Linearizability;
using Xunit;
using Xunit.Abstractions;
using DebugClient = TinyKv.Proto.Debugpb.Debug.DebugClient;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// A network partition on real processes: a <c>tinyscheduler-server</c> and three
/// <c>tinykv-server --scheduler --fault-injection</c> stores, regions split small, clients writing
/// through the region-aware client while the store that leads the most regions is cut off the
/// network for a few seconds (its process keeps running, its leaders stay leaders in its own
/// eyes) and then healed. Bounded in operations and time; every process is killed by id at the end.
/// </summary>
public sealed class StoreIsolationProcessTests(ITestOutputHelper log) : IDisposable
{
    private const int Clients = 4;
    private const int MaxWritesPerClient = 1500;
    private const int WritesPerPhase = 20;
    private static readonly TimeSpan s_isolation = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_afterHeal = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_phaseLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(10);
    private readonly TempDirectory _data = new("tinykv-isolation-process");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Isolating_the_store_that_leads_most_regions_under_load_loses_no_acknowledged_write_and_it_serves_again_once_healed()
    {
        using var processes = await SchedulerProcesses.StartAsync(_data, 3, "--region-max-size", "2048", "--region-split-size", "1024", "--fault-injection");
        using var client = RawKvClient.Connect(processes.Scheduler.Url, new RegionClientOptions { MaxAttempts = 40 });

        // Clients write their own keys one after another until told to stop; each attempt goes into the history.
        var history = new SharedHistory();
        var acknowledged = 0;
        var written = new int[Clients];
        using var stop = new CancellationTokenSource();
        async Task WriteAsync(int cli)
        {
            for (var j = 0; j < MaxWritesPerClient && !stop.IsCancellationRequested; j++)
            {
                var (key, value) = (Key(cli, j), $"value {cli} {j} {new string('x', 24)}");
                var id = history.Invoke(cli, KvInput.Put(key, value));

                written[cli] = j + 1;
                try
                {
                    await client.PutAsync(ByteString.CopyFromUtf8(key), ByteString.CopyFromUtf8(value));
                    history.Return(id, KvOutput.None);

                    Interlocked.Increment(ref acknowledged);
                }
                catch (RegionUnavailableException)
                {
                    // Unknown outcome: the write stays open in the history (it may or may not have happened).
                }

                await Task.Delay(s_pace);
            }
        }

        var writers = Enumerable.Range(0, Clients).Select(cli => Task.Run(() => WriteAsync(cli))).ToList();

        // Once the data has split and every region has its three replicas (the first region starts
        // with one, and a region of one or two peers has no quorum without the isolated store),
        // cut the store leading the most regions off the network, then heal it.
        var (regions, victim, busiest) = await processes.BusiestStoreAsync(
            scan => scan.Regions.Count >= 3 && scan.Regions.All(r => r.Peers.Count == 3), "the data to split into at least 3 regions of 3 peers each");
        using var victimChannel = GrpcChannel.ForAddress(processes.Stores[victim].Url);
        var debug = new DebugClient(victimChannel);

        log.WriteLine($"{history.Elapsed}: {regions.Regions.Count} regions, store {busiest} leads {regions.Leaders.Count(l => l.StoreId == busiest)}; {acknowledged} writes acknowledged of {written.Sum()}; isolating it");
        (await debug.IsolateAsync(new IsolateRequest { Isolated = true })).WasIsolated.Should().BeFalse();
        var beforeIsolation = Volatile.Read(ref acknowledged);
        await WhileWritesGoOnAsync(s_isolation, () => Volatile.Read(ref acknowledged) - beforeIsolation);
        var duringIsolation = Volatile.Read(ref acknowledged) - beforeIsolation;
        (await debug.IsolateAsync(new IsolateRequest { Isolated = false })).WasIsolated.Should().BeTrue();
        var beforeHeal = Volatile.Read(ref acknowledged);
        log.WriteLine($"{history.Elapsed}: healed; {beforeHeal} writes acknowledged of {written.Sum()}");
        await WhileWritesGoOnAsync(s_afterHeal, () => Volatile.Read(ref acknowledged) - beforeHeal);
        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(3));
        var afterHeal = Volatile.Read(ref acknowledged) - beforeHeal;
        log.WriteLine($"{history.Elapsed}: writers done; {acknowledged} writes acknowledged of {written.Sum()}");

        duringIsolation.Should().BeGreaterThanOrEqualTo(WritesPerPhase, "the two stores left elect new leaders and keep taking writes");
        afterHeal.Should().BeGreaterThanOrEqualTo(WritesPerPhase, "writes go on once the store is back");
        var attempted = written.Sum();
        acknowledged.Should().BeGreaterThan(attempted / 2, "most writes succeed despite the partition");

        // The healed store serves again: asked directly about one of its regions, it answers
        // (no UNAVAILABLE) and knows the region's leader after the partition.
        await SchedulerClusterHarness.WaitForAsync($"store {busiest} to serve again and know its regions' leaders", async () =>
            await ServesAsync(processes, victimChannel, busiest) ? "serving" : null);

        log.WriteLine($"{history.Elapsed}: store {busiest} serves again");

        // Every acknowledged write reads back; reads go into the history too, which must linearize.
        for (var cli = 0; cli < Clients; cli++)
        {
            for (var j = 0; j < written[cli]; j++)
            {
                var key = Key(cli, j);
                var id = history.Invoke(Clients + cli, KvInput.Get(key));
                var value = await client.GetAsync(ByteString.CopyFromUtf8(key));
                history.Return(id, KvOutput.Read(value?.ToStringUtf8()));
            }
        }

        var report = history.ToHistory().AssertLinearizable();
        report.OperationCount.Should().Be(2 * attempted);
    }

    private static string Key(int cli, int j) => $"c{cli}-{j:D4}";

    /// <summary>
    /// Waits <paramref name="least"/>, and on until <see cref="WritesPerPhase"/> writes were
    /// acknowledged in this phase (<paramref name="acknowledged"/>), for at most <see cref="s_phaseLimit"/>.
    /// </summary>
    private static async Task WhileWritesGoOnAsync(TimeSpan least, Func<int> acknowledged)
    {
        await Task.Delay(least);
        var waited = Stopwatch.StartNew();
        while (acknowledged() < WritesPerPhase && waited.Elapsed < s_phaseLimit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>
    /// Whether store <paramref name="storeId"/> answers a read of the first key of a region it holds
    /// with the value, or with the region's leader on another store: not UNAVAILABLE, not a leader
    /// it does not know, not a region error of a store still behind.
    /// </summary>
    private static async Task<bool> ServesAsync(SchedulerProcesses processes, GrpcChannel storeChannel, ulong storeId)
    {
        var (regions, _) = await processes.RegionsWhenAsync(_ => true, "the regions");
        var region = regions.Regions.FirstOrDefault(r => !r.StartKey.IsEmpty && r.Peers.Any(p => p.StoreId == storeId));
        if (region is null)
        {
            return false;
        }

        var context = new Context { RegionId = region.Id, RegionEpoch = region.RegionEpoch, Peer = region.Peers.First(p => p.StoreId == storeId) };
        try
        {
            var answer = await new TinyKvClient(storeChannel).RawGetAsync(
                new RawGetRequest { Context = context, Key = region.StartKey, Cf = "default" }, deadline: DateTime.UtcNow.AddSeconds(5));
            return answer.RegionError is null || answer.RegionError.NotLeader?.Leader is { Id: > 0 };
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            return false;
        }
    }
}
