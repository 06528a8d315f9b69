using System.Diagnostics;
using FluentAssertions;
using Google.Protobuf;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Client.Scheduling;
using TinyKv.TestKit;
using TinyKv.TestKit.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace TinyKv.Server.Tests;

/// <summary>
/// Stores failing under a mixed load on real processes: a <c>tinyscheduler-server</c> and three
/// <c>tinykv-server --scheduler --fault-injection</c> processes whose regions split small; bank
/// transfers between accounts in several regions and raw reads and writes of shared registers
/// run while one store (picked by the seed) is killed with SIGKILL and started again, then the
/// store leading the most regions, and then the store leading the most regions is cut off the
/// network for a while and healed. Afterwards the money adds up (every transfer all or nothing across regions), no
/// balance is negative, and the registers' history, reads after the faults included, linearizes
/// per key (so no acknowledged write is lost). Bounded in operations and time; every process is
/// killed by id at the end.
/// </summary>
public sealed class StoreCrashProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int FillerKeys = 300;
    private const int Accounts = 12;
    private const long Opening = 100;
    private const int TransferWorkers = 3;
    private const int MaxTransfersPerWorker = 400;
    private const int Registers = 4;
    private const int RegisterClients = 2;
    private const int MaxRegisterOpsPerClient = 800;
    private readonly TempDirectory _data = new("tinykv-store-crash");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Crashing_and_isolating_stores_under_transfers_and_register_traffic_keeps_the_total_and_a_linearizable_history()
    {
        using var processes = await SchedulerProcesses.StartAsync(_data, 3, "--region-max-size", "2048", "--region-split-size", "1024", "--fault-injection");
        await using var cluster = ClusterClient.Connect([processes.Scheduler.Url], new RegionClientOptions { MaxAttempts = 60 });
        await SchedulerClusterHarness.FillUntilSplitAsync(cluster, FillerKeys, regions: 4);
        var bank = new Bank(Bank.Keys(Enumerable.Range(0, Accounts).Select(i => $"key-{i * FillerKeys / Accounts:D4}/account")), Opening);
        await bank.OpenAsync(cluster);

        // The registers: raw keys every register client reads and writes, each attempt in the history.
        using var faultsOver = new CancellationTokenSource(); // the load runs until the faults are over (bounded in count)
        var history = new SharedHistory();
        var acknowledged = 0;

        async Task RegisterClientAsync(int client)
        {
            var random = new Random(unchecked((int)TestSeed.Value) ^ (client + 1) * 7919);
            for (var j = 0; j < MaxRegisterOpsPerClient && !faultsOver.IsCancellationRequested; j++)
            {
                var key = $"key-{random.Next(Registers) * FillerKeys / Registers + 1:D4}/register";
                var write = random.Next(2) == 0;
                var value = $"{client}-{j}";
                var id = history.Invoke(client, write ? KvInput.Put(key, value) : KvInput.Get(key));
                try
                {
                    if (write)
                    {
                        await cluster.Raw.PutAsync(ByteString.CopyFromUtf8(key), ByteString.CopyFromUtf8(value));
                        history.Return(id, KvOutput.None);
                        Interlocked.Increment(ref acknowledged);
                    }
                    else
                    {
                        history.Return(id, KvOutput.Read((await cluster.Raw.GetAsync(ByteString.CopyFromUtf8(key)))?.ToStringUtf8()));
                    }
                }
                catch (Exception ex) when (ex is RegionUnavailableException or SchedulerUnavailableException)
                {
                    // Unknown outcome: the operation stays open in the history.
                }
            }
        }

        var load = Enumerable.Range(0, TransferWorkers)
            .Select(w => Task.Run(async () =>
            {
                var random = new Random(unchecked((int)TestSeed.Value) + w);
                for (var t = 0; t < MaxTransfersPerWorker && !faultsOver.IsCancellationRequested; t++)
                {
                    await bank.TransferAsync(cluster, random);
                }
            }))
            .Concat(Enumerable.Range(0, RegisterClients).Select(c => Task.Run(() => RegisterClientAsync(c))))
            .ToList();
        var finished = Task.WhenAll(load);

        // First a store the seed picks, then the one leading the most regions: killed, then started again.
        await WhileLoadRunsAsync(finished, () => bank.Committed >= 5, "five transfers to commit");
        var first = (int)(TestSeed.Value % 3);
        await processes.CrashAndRestartAsync(first, TimeSpan.FromSeconds(1.5));
        var committedBefore = bank.Committed;
        await WhileLoadRunsAsync(finished, () => bank.Committed >= committedBefore + 5, "five more transfers to commit after the first crash");
        var (_, busiest, _) = await processes.BusiestStoreAsync(_ => true, "the region map");
        await processes.CrashAndRestartAsync(busiest, TimeSpan.FromSeconds(1.5));
        committedBefore = bank.Committed;
        await WhileLoadRunsAsync(finished, () => bank.Committed >= committedBefore + 5, "five more transfers to commit after the second crash");
        var (_, cutOff, _) = await processes.BusiestStoreAsync(_ => true, "the region map");
        using (var channel = Grpc.Net.Client.GrpcChannel.ForAddress(processes.Stores[cutOff].Url))
        {
            var debug = new Proto.Debugpb.Debug.DebugClient(channel);
            await debug.IsolateAsync(new Proto.Debugpb.IsolateRequest { Isolated = true });
            await Task.Delay(TimeSpan.FromSeconds(3));
            finished.IsCompleted.Should().BeFalse("the load still runs while the store is cut off");
            await debug.IsolateAsync(new Proto.Debugpb.IsolateRequest { Isolated = false });
        }

        committedBefore = bank.Committed;
        await WhileLoadRunsAsync(finished, () => bank.Committed >= committedBefore + 5, "five more transfers to commit after the store is healed");
        await faultsOver.CancelAsync();

        await finished.WaitAsync(TimeSpan.FromMinutes(4));
        output.WriteLine($"crashed store {first + 1}, then store {busiest + 1}, isolated store {cutOff + 1}; transfers: {bank.Committed} committed, {bank.Conflicts} conflicted, {bank.Aborted} rolled back by others, {bank.Unknown} unknown; register writes acknowledged: {acknowledged}");

        bank.Committed.Should().BeGreaterThan(20, $"transfers go on around the faults ({bank.Conflicts} conflicted, {bank.Unknown} unknown)");
        acknowledged.Should().BePositive("register writes go on around the crashes");
        var balances = await bank.AuditAsync(cluster);
        balances.Should().OnlyContain(b => b >= 0, "no transfer overdraws");
        balances.Sum().Should().Be(bank.Total, "every transfer, committed or not, moved money all or nothing across regions");

        // Every register read back after the faults: the history with these reads must linearize.
        for (var r = 0; r < Registers; r++)
        {
            var key = $"key-{r * FillerKeys / Registers + 1:D4}/register";
            var id = history.Invoke(RegisterClients, KvInput.Get(key));
            history.Return(id, KvOutput.Read((await cluster.Raw.GetAsync(ByteString.CopyFromUtf8(key)))?.ToStringUtf8()));
        }

        history.ToHistory().AssertLinearizable();
    }

    /// <summary>Waits, bounded, until <paramref name="reached"/> holds; fails if the load ends first.</summary>
    private static async Task WhileLoadRunsAsync(Task load, Func<bool> reached, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!reached())
        {
            if (load.IsCompleted)
            {
                await load; // a failed worker's exception, if any
                throw new InvalidOperationException($"the load ended before {what}");
            }

            if (watch.Elapsed > SchedulerClusterHarness.Settle)
            {
                throw new TimeoutException($"waited {SchedulerClusterHarness.Settle.TotalSeconds:F0} s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
