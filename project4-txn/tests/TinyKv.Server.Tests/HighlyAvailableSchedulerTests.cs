using FluentAssertions;
using Google.Protobuf;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit.Etcd;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// Three stores and a cluster client given every member of a highly available scheduler (three
/// <c>tinyscheduler-server --etcd</c> processes over one etcd): the leading scheduler is killed
/// under load, the stores and the client follow the new leader, no acknowledged write is lost,
/// and timestamps keep increasing across the failover. Bounded in time and operations; every
/// process is killed by its id at the end.
/// </summary>
public sealed class HighlyAvailableSchedulerTests : IAsyncLifetime, IDisposable
{
    private const int Writers = 4;
    private const int WritesPerWriter = 60;
    private readonly SchedulerClusterHarness _cluster = new("tinykv-ha-scheduler", 3);
    private SchedulerGroup? _group;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _cluster.StopAsync();
        if (_group is not null)
        {
            await _group.DisposeAsync();
        }
    }

    public void Dispose() => _cluster.Dispose();

    [FactNeedingEtcd]
    public async Task Killing_the_leading_scheduler_under_load_loses_no_acknowledged_write_and_timestamps_keep_increasing()
    {
        _group = await SchedulerGroup.StartAsync(3);
        var (_, leader) = await _group.AgreedLeaderAsync(_group.Members);
        IReadOnlyList<Uri> members = [.. _group.Members.Select(m => m.Url)];
        for (var i = 0; i < 3; i++)
        {
            await _cluster.StartStoreAsync(members, i, o => o with { RegionMaxSize = 2048, RegionSplitSize = 1024 });
        }

        await using var client = ClusterClient.Connect(members, new RegionClientOptions { MaxAttempts = 60 });
        var before = await client.Transactions.Oracle.NextAsync();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var committed = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var commitTs = new System.Collections.Concurrent.ConcurrentDictionary<string, (ulong Start, ulong Commit)>();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var j = 0; j < WritesPerWriter; j++)
            {
                var key = $"w{w}-{j:D3}";
                var value = $"value {w} {j} {new string('x', 24)}";
                try
                {
                    if (w % 2 == 0)
                    {
                        await client.Raw.PutAsync(ByteString.CopyFromUtf8(key), ByteString.CopyFromUtf8(value));
                        acknowledged[key] = value;
                    }
                    else
                    {
                        // A transaction needs two timestamps from the scheduler, whoever leads it.
                        var txn = await client.Transactions.BeginAsync();
                        txn.Set(System.Text.Encoding.UTF8.GetBytes($"a/{key}"), System.Text.Encoding.UTF8.GetBytes(value));
                        txn.Set(System.Text.Encoding.UTF8.GetBytes($"b/{key}"), System.Text.Encoding.UTF8.GetBytes(value));
                        var at = await txn.CommitAsync();
                        committed[key] = value;
                        commitTs[key] = (txn.StartTs, at);
                    }
                }
                catch (Exception ex) when (ex is RegionUnavailableException or SchedulerUnavailableException or TransactionException)
                {
                    // Not acknowledged: the write may or may not have happened, and is not checked.
                }

                if (w == 0 && j == WritesPerWriter / 3)
                {
                    leader.Kill(); // a third of the way in, the leading scheduler dies
                    killed.SetResult();
                }
            }
        })).ToList();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(4));
        await killed.Task;

        var survivors = _group.Members.Where(m => m != leader).ToList();
        var (agreed, newLeader) = await _group.AgreedLeaderAsync(survivors, m => !SchedulerGroup.IsMember(leader, m));
        acknowledged.Count.Should().BeGreaterThan(Writers * WritesPerWriter / 4, "raw writes go on while the scheduler fails over");
        committed.Count.Should().BeGreaterThan(Writers * WritesPerWriter / 4, "transactions go on once a new scheduler leads");
        foreach (var (key, value) in acknowledged)
        {
            (await client.Raw.GetAsync(ByteString.CopyFromUtf8(key)))?.ToStringUtf8().Should().Be(value, "acknowledged write {0} survives", key);
        }

        var audit = await client.Transactions.BeginAsync();
        foreach (var (key, value) in committed)
        {
            foreach (var half in new[] { "a", "b" })
            {
                var read = await audit.GetAsync(System.Text.Encoding.UTF8.GetBytes($"{half}/{key}"));
                System.Text.Encoding.UTF8.GetString(read ?? []).Should().Be(value, "both keys of committed transaction {0} (start {1}, commit {2}) are there to the audit at {3}", key, commitTs[key].Start, commitTs[key].Commit, audit.StartTs);
            }
        }

        (await client.Transactions.Oracle.NextAsync()).Should().BeGreaterThan(before, "the new leader hands out timestamps above the old one's");
        var later = await client.Transactions.BeginAsync();
        later.Set("after/a"u8.ToArray(), "after the failover"u8.ToArray());
        later.Set("after/z"u8.ToArray(), "after the failover"u8.ToArray());
        (await later.CommitAsync()).Should().BeGreaterThan(before);

        // The stores report to the new leader: it knows all three and every region's leader.
        var header = new RequestHeader { ClusterId = agreed.Header.ClusterId };
        await SchedulerClusterHarness.WaitForAsync("the new leader to know every store and a leader for every region", async () =>
        {
            var stores = await newLeader.Client.GetAllStoresAsync(new GetAllStoresRequest { Header = header });
            var regions = await newLeader.Client.ScanRegionsAsync(new ScanRegionsRequest { Header = header, StartKey = ByteString.Empty, Limit = 1000 });
            return stores.Stores.Count == 3 && regions.Regions.Count > 0 && regions.Leaders.All(l => l.Id != 0) ? regions : null;
        });
    }
}
