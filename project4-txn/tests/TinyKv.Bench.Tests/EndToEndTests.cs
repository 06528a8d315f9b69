using System.Net;
using FluentAssertions;
using TinyKv.Bench.Comparison;
using TinyKv.Bench.Targets;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Metapb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>
/// Short runs bounded by an operation cap (the duration is long and never reached), against
/// the echo server and fake stores in process and a real tinykv-server child process. They
/// assert counts, errors and structure, never speed.
/// </summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task Two_clients_against_the_echo_server_stop_at_the_operation_cap()
    {
        await using var echo = await EchoServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

        var result = await RunAsync(Options(echo.Address.ToString()) with { Clients = 2, MaxOperations = 200 });

        result.StoppedBy.Should().Be("max-ops");
        (result.Operations, result.Succeeded, result.Failed, result.Unanswered).Should().Be((200, 200, 0, 0));
        result.Latency.Count.Should().Be(200);
        result.Errors.Should().BeEmpty();
        result.Retries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_call_the_server_does_not_implement_is_counted_as_an_error_by_status()
    {
        await using var echo = await EchoServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

        var result = await RunAsync(Options(echo.Address.ToString()) with { Workload = Workload.Txn, Clients = 1, MaxOperations = 20 });

        (result.Operations, result.Succeeded, result.Failed).Should().Be((20, 0, 20));
        result.Errors.Should().Equal(new Dictionary<string, long> { ["grpc:Unimplemented"] = 20 });
        result.Latency.Should().Be(Measurement.LatencySummary.Empty);
    }

    [Fact]
    public async Task A_client_told_not_leader_moves_to_the_named_leader_and_stays_there()
    {
        await using var follower = await FakeStore.StartAsync(() => new RawPutResponse { RegionError = NotLeader(leaderStore: 2) });
        await using var leader = await FakeStore.StartAsync(() => new RawPutResponse());

        var result = await RunAsync(Options($"1={follower.Address},2={leader.Address}") with { Clients = 1, MaxOperations = 10 });

        (result.Succeeded, result.Failed).Should().Be((10, 0));
        result.Retries.Should().Equal(new Dictionary<string, long> { ["region:not_leader"] = 1 });
        (follower.Puts, leader.Puts).Should().Be((1, 10));
    }

    [Fact]
    public async Task Retries_are_bounded_and_the_operation_fails_with_the_last_region_error()
    {
        await using var follower = await FakeStore.StartAsync(() => new RawPutResponse { RegionError = NotLeader(leaderStore: 0) });

        var result = await RunAsync(Options($"1={follower.Address}") with { Clients = 1, MaxOperations = 5, MaxRetries = 2 });

        (result.Succeeded, result.Failed).Should().Be((0, 5));
        result.Errors.Should().Equal(new Dictionary<string, long> { ["region:not_leader"] = 5 });
        result.Retries.Should().Equal(new Dictionary<string, long> { ["region:not_leader"] = 10 });
        follower.Puts.Should().Be(15);
    }

    [Fact]
    public async Task A_standalone_tinykv_server_serves_puts_gets_and_transactions_and_its_cpu_is_measured()
    {
        using var data = new TempDirectory("tinykv-bench");
        using var processes = new ChildProcessGroup();
        var server = await TinyKvCluster.StartStandaloneAsync(processes, ServerProgram.LocateTinyKvServer(null), data.Path, CancellationToken.None);
        var pid = server.Servers[0].Pid;
        var options = Options(server.Endpoints) with { Keys = 50, ServerPids = [pid] };

        var puts = await RunAsync(options with { Clients = 2, MaxOperations = 200 });
        var gets = await RunAsync(options with { Workload = Workload.Get, Clients = 2, MaxOperations = 100, Preload = true });
        var txns = await RunAsync(options with { Workload = Workload.Txn, TxnKeys = 3, Clients = 1, MaxOperations = 20 });

        (puts.Succeeded, puts.Failed).Should().Be((200, 0));
        (gets.Succeeded, gets.Failed).Should().Be((100, 0));
        gets.Preload.Should().Be(gets.Preload! with { Written = 50, Failed = 0, Complete = true });
        (txns.Succeeded, txns.Failed).Should().Be((20, 0));
        puts.Servers.Should().ContainSingle().Which.Should().Match<Measurement.ServerUsage>(u => u.Pid == pid && u.CpuMicros >= 0 && u.PeakRssKib > 0);
        ResultReport.Text(puts).Should().Contain("operations 200: 200 succeeded, 0 failed").And.Contain($"server pid {pid}");
    }

    private static BenchOptions Options(string endpoints) => new()
    {
        Endpoints = EndpointList.Parse(endpoints),
        Warmup = TimeSpan.Zero,
        Duration = TimeSpan.FromMinutes(5), // The cap ends every run; the duration only bounds a hung one.
        Deadline = TimeSpan.FromSeconds(30),
        Keys = 100,
        Connections = 2,
    };

    private static async Task<RunResult> RunAsync(BenchOptions options)
    {
        using var target = new TinyKvTarget(options);
        return await new LoadRunner(options, target).RunAsync();
    }

    private static Error NotLeader(ulong leaderStore) => new()
    {
        Message = "not leader",
        NotLeader = new NotLeader { RegionId = 1, Leader = leaderStore == 0 ? null : new Peer { Id = 10 + leaderStore, StoreId = leaderStore } },
    };
}
