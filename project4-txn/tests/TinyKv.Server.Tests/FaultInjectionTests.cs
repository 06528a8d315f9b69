using System.Net;
using FluentAssertions;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Proto.Debugpb;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore.Snap;
using TinyKv.Runtime;
using TinyKv.SchedulerServer;
using TinyKv.Server.Faults;
using TinyKv.Server.Replication;
using TinyKv.Server.Scheduling;
using TinyKv.TestKit;
using Xunit;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// The isolation fault in one process: the <c>Debug</c> service exists only with
/// <c>--fault-injection</c>, an isolated server refuses client requests with <c>UNAVAILABLE</c>,
/// the raft transport of an isolated store drops what it is given to send, and its scheduler client
/// sends no heartbeat and asks for no split. The whole fault on
/// a running cluster is <see cref="StoreIsolationProcessTests"/>.
/// </summary>
public sealed class FaultInjectionTests : IDisposable
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _data = new("tinykv-fault-injection");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Isolate_is_unimplemented_on_a_server_started_without_fault_injection()
    {
        await using var server = await TinyKvServer.StartAsync(Options(faultInjection: false));
        using var channel = GrpcChannel.ForAddress(server.Url);

        var isolate = async () => await new Debug.DebugClient(channel).IsolateAsync(new IsolateRequest { Isolated = true });

        (await isolate.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unimplemented);
        (await new TinyKvClient(channel).RawPutAsync(Put("k", "v"))).Error.Should().BeEmpty("nothing was isolated");
    }

    [Fact]
    public async Task Client_requests_to_an_isolated_server_fail_with_unavailable_until_it_is_healed()
    {
        await using var server = await TinyKvServer.StartAsync(Options(faultInjection: true));
        using var channel = GrpcChannel.ForAddress(server.Url);
        var debug = new Debug.DebugClient(channel);
        var client = new TinyKvClient(channel);
        await client.RawPutAsync(Put("k", "before"));

        (await debug.IsolateAsync(new IsolateRequest { Isolated = true })).WasIsolated.Should().BeFalse();
        (await debug.IsolateAsync(new IsolateRequest { Isolated = true })).WasIsolated.Should().BeTrue("the second request finds it isolated");

        var put = async () => await client.RawPutAsync(Put("k", "during"));
        var failure = (await put.Should().ThrowAsync<RpcException>()).Which;
        failure.StatusCode.Should().Be(StatusCode.Unavailable);
        failure.Status.Detail.Should().Be("this standalone server is isolated (fault injection)");
        var get = async () => await client.KvGetAsync(new GetRequest { Key = ServerFixture.Text("k"), Version = 1 });
        (await get.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unavailable, "transactional requests are refused too");

        (await debug.IsolateAsync(new IsolateRequest { Isolated = false })).WasIsolated.Should().BeTrue();
        var read = await client.RawGetAsync(new RawGetRequest { Key = ServerFixture.Text("k"), Cf = "default" });
        read.Value.ToStringUtf8().Should().Be("before", "the write refused while isolated never happened");
    }

    [Fact]
    public async Task An_isolated_transport_drops_what_it_sends_and_a_healed_one_delivers()
    {
        await using var receiver = await RecordingStore.StartAsync();
        var faults = new FaultInjection();
        await using var transport = new GrpcRaftTransport(
            1, ClusterMembers.Parse($"1=127.0.0.1:1,2={receiver.Address}"), new SnapshotFiles(), 1024, NullLogger.Instance, faults);

        faults.SetIsolated(true);
        transport.Send(Heartbeat(term: 1));
        faults.SetIsolated(false);
        transport.Send(Heartbeat(term: 2));

        // One stream carries both in order: had the first been queued rather than dropped, it would arrive first.
        var first = await receiver.Messages.ReadAsync().AsTask().WaitAsync(s_limit);
        first.Message.Term.Should().Be(2, "the message sent while isolated is lost, not delayed");
    }

    [Fact]
    public async Task An_isolated_scheduler_client_sends_no_store_heartbeat_and_asks_for_no_split_until_healed()
    {
        await using var scheduler = await TinySchedulerServer.StartAsync(new SchedulerServerOptions
        {
            Address = new IPEndPoint(IPAddress.Loopback, 0),
            DataDirectory = _data.Combine("scheduler"),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            Seed = TestSeed.Value,
        });
        using var connection = await SchedulerConnection.ConnectAsync([scheduler.Url], TimeSpan.FromSeconds(10));
        (await connection.BootstrapAsync(new Store { Id = 1, Address = "127.0.0.1:20161" })).Should().Be(ErrorType.Ok);
        using var loop = new RealTimeLoop("store-1", NullLogger.Instance);
        var faults = new FaultInjection();
        await using var client = new GrpcSchedulerClient(connection, loop, NullLogger.Instance, faults);

        faults.SetIsolated(true);
        client.StoreHeartbeat(new StoreStats { StoreId = 1, RegionCount = 7 });
        var split = new TaskCompletionSource<AskSplitResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.AskSplit(new Region { Id = 2 }, answer => split.SetResult(answer));
        (await split.Task.WaitAsync(s_limit)).Header.Error.Message.Should().Contain("isolated (fault injection)");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // time a heartbeat sent would have needed to arrive
        (await ReportedRegionsAsync(connection)).Should().BeNull("no heartbeat reached the scheduler while isolated");

        faults.SetIsolated(false);
        client.StoreHeartbeat(new StoreStats { StoreId = 1, RegionCount = 8 });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await ReportedRegionsAsync(connection) != 8 && watch.Elapsed < s_limit)
        {
            await Task.Delay(10);
        }

        (await ReportedRegionsAsync(connection)).Should().Be(8, "the healed store's heartbeat arrives");
    }

    /// <summary>The region count of store 1's last heartbeat the scheduler recorded; null before the first.</summary>
    private static async Task<uint?> ReportedRegionsAsync(SchedulerConnection connection)
    {
        var response = await connection.CallAsync((c, h, o) => c.GetStoreAsync(new GetStoreRequest { Header = h, StoreId = 1 }, o).ResponseAsync);
        return response.Stats is { StoreId: 1 } stats ? stats.RegionCount : null;
    }

    private ServerOptions Options(bool faultInjection) =>
        new() { Address = new IPEndPoint(IPAddress.Loopback, 0), DataDirectory = _data.Combine("db"), FaultInjection = faultInjection };

    private static RawPutRequest Put(string key, string value) =>
        new() { Key = ServerFixture.Text(key), Value = ServerFixture.Text(value), Cf = "default" };

    private static RaftMessage Heartbeat(ulong term) => new()
    {
        RegionId = 1,
        FromPeer = new Peer { Id = 1, StoreId = 1 },
        ToPeer = new Peer { Id = 2, StoreId = 2 },
        RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
        Message = new Message { MsgType = MessageType.MsgHeartbeat, From = 1, To = 2, Term = term },
    };
}
