using FluentAssertions;
using Google.Protobuf;
using TinyKv.Client.Regions;
using TinyKv.TestKit;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// A multi-region cluster as a user starts it: a <c>tinyscheduler-server</c> process and three
/// <c>tinykv-server --scheduler</c> processes, regions split small, clients writing through the
/// region-aware client while the store that leads the most regions is killed (SIGKILL) and
/// started again. Bounded in operations and time; every process is killed by id at the end.
/// </summary>
public sealed class SchedulerProcessTests : IDisposable
{
    private const int Clients = 4;
    private const int WritesPerClient = 120;
    private readonly TempDirectory _data = new("tinykv-scheduler-process");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Killing_the_store_that_leads_most_regions_under_load_loses_no_acknowledged_write()
    {
        using var cluster = await SchedulerProcesses.StartAsync(_data, 3, "--region-max-size", "2048", "--region-split-size", "1024");
        using var client = RawKvClient.Connect(cluster.Scheduler.Url, new RegionClientOptions { MaxAttempts = 40 });

        // Clients write their own keys one after another; each attempt goes into the history.
        var history = new SharedHistory();
        var acknowledged = 0;
        async Task WriteAsync(int cli)
        {
            for (var j = 0; j < WritesPerClient; j++)
            {
                var (key, value) = ($"c{cli}-{j:D4}", $"value {cli} {j} {new string('x', 24)}");
                var id = history.Invoke(cli, KvInput.Put(key, value));

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
            }
        }

        var writers = Enumerable.Range(0, Clients).Select(cli => Task.Run(() => WriteAsync(cli))).ToList();

        // Once the data has split, kill the store leading the most regions, and start it again.
        var (_, victim, _) = await cluster.BusiestStoreAsync(scan => scan.Regions.Count >= 3, "the data to split into at least 3 regions");
        await cluster.CrashAndRestartAsync(victim, TimeSpan.FromSeconds(2));

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(3));
        acknowledged.Should().BeGreaterThan(Clients * WritesPerClient / 2, "most writes succeed despite the crash");

        // Every acknowledged write reads back; reads go into the history too, which must linearize.
        for (var cli = 0; cli < Clients; cli++)
        {
            for (var j = 0; j < WritesPerClient; j++)
            {
                var key = $"c{cli}-{j:D4}";
                var id = history.Invoke(Clients + cli, KvInput.Get(key));
                var value = await client.GetAsync(ByteString.CopyFromUtf8(key));
                history.Return(id, KvOutput.Read(value?.ToStringUtf8()));
            }
        }

        var report = history.ToHistory().AssertLinearizable();
        report.OperationCount.Should().Be(2 * Clients * WritesPerClient);
    }
}
