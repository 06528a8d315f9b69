using FluentAssertions;
using TinyKv.Server.Replication;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace TinyKv.Server.Tests;

/// <summary>Load tests run alone: hundreds of clients and three server processes need the machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "Load";
}

/// <summary>
/// Three <c>tinykv-server</c> processes under 256 closed-loop clients for about ten seconds, as
/// a user would run them: no request may fail, no acknowledged write may be lost, no read may
/// return a value older than one acknowledged before it began — also while the leader is killed
/// (SIGKILL) and restarted, twice. Bounded in time and operations; the tests assert on errors and
/// data, never on speed (the rates are printed for the reader).
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ClusterLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 256;
    private const long MaxOperations = 400_000;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _data = new("tinykv-cluster-load");
    private readonly Dictionary<ulong, ServerProcess> _servers = [];
    private string _list = "";

    public void Dispose()
    {
        foreach (var server in _servers.Values)
        {
            server.Dispose();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task Three_server_processes_serve_256_clients_without_errors_or_lost_writes()
    {
        using var client = StartCluster();
        var history = new LoadHistory();
        var load = new ClusterLoad(client, history, Clients, seed: 1);

        using var stop = new CancellationTokenSource(s_duration);
        var elapsed = await load.RunAsync(MaxOperations, stop.Token);
        await load.VerifyAsync();

        Report(load, history, elapsed);
        load.ErrorCount.Should().Be(0, "every request of 256 clients is answered ({0})", load.ErrorSummary());
        history.Violations.Should().BeEmpty(history.Summary());
        history.AcknowledgedWrites.Should().BeGreaterThan(Clients, "each client writes more than once in ten seconds");
    }

    [Fact]
    public async Task Killing_the_leader_twice_under_256_clients_loses_no_acknowledged_write_and_serves_no_stale_read()
    {
        using var client = StartCluster();
        var history = new LoadHistory();
        var load = new ClusterLoad(client, history, Clients, seed: 2);

        // Kill the leader 2.5 s and 5.5 s into the run, each time starting it again 1 s later; run
        // ~10 s, and at least 3 s past the second restart (a start is slow on a busy machine), so
        // the cluster is seen serving again after it.
        using var stop = new CancellationTokenSource();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var running = load.RunAsync(MaxOperations, stop.Token);
        var timeline = Timeline(history, running);
        var killed = new List<ulong>();
        foreach (var at in new[] { 2.5, 5.5 })
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, at - started.Elapsed.TotalSeconds)));
            var leader = client.LastLeader;
            output.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s: {history.AcknowledgedWrites} writes acknowledged; killing store {leader}, the leader");
            _servers[leader].Kill();
            _servers.Remove(leader);
            killed.Add(leader);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await Task.Run(() => _servers[leader] = Start(leader));
            output.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s: store {leader} started again");
        }

        var writesBeforeTheEnd = history.AcknowledgedWrites;
        stop.CancelAfter(TimeSpan.FromSeconds(Math.Max(3, s_duration.TotalSeconds - started.Elapsed.TotalSeconds)));
        var elapsed = await running;
        await timeline;
        await load.VerifyAsync();

        Report(load, history, elapsed);
        output.WriteLine($"killed and restarted stores {string.Join(", ", killed)}; errors: {load.ErrorSummary()}");
        history.Violations.Should().BeEmpty(history.Summary());
        history.AcknowledgedWrites.Should().BeGreaterThan(writesBeforeTheEnd, "the cluster serves writes again after the second restart");
        _servers.Keys.Should().BeEquivalentTo(new ulong[] { 1, 2, 3 }, "every killed store was started again");
    }

    private LeaderClient StartCluster()
    {
        var ports = ReplicatedCluster.FreePorts(3);
        _list = string.Join(",", ports.Select((port, i) => $"{i + 1}=127.0.0.1:{port}"));
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            _servers[id] = Start(id);
        }

        return new LeaderClient(ClusterMembers.Parse(_list));
    }

    private ServerProcess Start(ulong id) =>
        ServerProcess.Start(_data.Combine($"store-{id}"), "--store-id", $"{id}", "--cluster", _list, "--raft-tick-ms", "100");

    /// <summary>Prints the acknowledged writes every half second until <paramref name="running"/> ends.</summary>
    private async Task Timeline(LoadHistory history, Task running)
    {
        var line = new System.Text.StringBuilder("acknowledged writes every 0.5 s:");
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(500)));
            line.Append(' ').Append(history.AcknowledgedWrites);
        }

        output.WriteLine(line.ToString());
    }

    private void Report(ClusterLoad load, LoadHistory history, TimeSpan elapsed) =>
        output.WriteLine($"{load.Operations} operations in {elapsed.TotalSeconds:0.0} s ({load.Operations / elapsed.TotalSeconds:0} ops/s); {history.Summary()}; {load.ErrorSummary()}");
}
