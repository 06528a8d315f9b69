using System.Collections.Concurrent;
using System.Globalization;
using FluentAssertions;
using Google.Protobuf;
using Grpc.Core;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>
/// Many region heartbeats arriving together (3C, ConcurrentHandleRegion of the original), through
/// the real tinyscheduler-server on a free loopback port.
/// </summary>
/// <remarks>
/// Three stores join and each opens its RegionHeartbeat stream with a heartbeat of a region it
/// leads. Then 2,000 heartbeats of single-peer regions led by the first store, covering the key
/// space, arrive at once from concurrent callers: <see cref="Streams"/> streams of the first store,
/// each sending its share in a seeded random order. Every heartbeat must be accepted (no error on
/// any stream), the cluster must end with exactly those 2,000 regions, and the first store must be
/// told on its stream to add peers to regions short of replicas. The server drives the cluster
/// from one loop, so this checks that heartbeats from many callers are serialized, not raced.
/// The graded code is <c>Cluster.ProcessRegionHeartbeat</c>.
/// </remarks>
[Milestone("3C")]
public sealed class ConcurrentRegionHeartbeatTests
{
    private const int Concurrent = 2000;
    private const int Streams = 16;
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Concurrent_handle_region_accepts_every_heartbeat_and_answers_on_the_leader_s_stream()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync(o => o with { PatrolRegionInterval = TimeSpan.FromMilliseconds(20) });
        var client = fixture.Client;
        var header = fixture.Header;
        var responses = new ConcurrentQueue<RegionHeartbeatResponse>();
        var failures = new ConcurrentQueue<string>();
        var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new List<AsyncDuplexStreamingCall<RegionHeartbeatRequest, RegionHeartbeatResponse>>();
        var readers = new List<Task>();
        using var stop = new CancellationTokenSource(s_limit);

        // Ids of the test's regions and peers come from far above the server's allocator, which
        // hands out the ids of the peers it adds; asking it 4,000 times would only slow the test.
        var nextId = 1UL << 40;
        ulong NextId() => nextId++;

        AsyncDuplexStreamingCall<RegionHeartbeatRequest, RegionHeartbeatResponse> Open()
        {
            var call = client.RegionHeartbeat(cancellationToken: stop.Token);
            calls.Add(call);
            readers.Add(ReadAllAsync(call, responses, failures, told));
            return call;
        }

        var stores = new List<Store>();
        for (var i = 0; i < 3; i++)
        {
            var store = new Store { Id = i == 0 ? 1 : NextId(), Address = $"127.0.1.1:{i}" };
            stores.Add(store);
            if (i > 0)
            {
                await client.PutStoreAsync(new PutStoreRequest { Header = header, Store = store });
            }

            await client.StoreHeartbeatAsync(new StoreHeartbeatRequest
            {
                Header = header,
                Stats = new StoreStats { StoreId = store.Id, Capacity = 1000UL << 20, Available = 1000UL << 20 },
            });

            // Each store opens its stream with a heartbeat of a region it leads. A written
            // heartbeat is not yet a handled one: the test waits until the server knows the region,
            // or this epoch-0 region could be handled after the version-1 regions below and be
            // refused as stale, as it should be.
            var peer = new Peer { Id = NextId(), StoreId = store.Id };
            var opening = new Region { Id = NextId(), Peers = { peer } };
            await Open().RequestStream.WriteAsync(new RegionHeartbeatRequest { Header = header, Region = opening, Leader = peer });
            await WaitUntilKnownAsync(client, header, opening.Id, stop.Token);
        }

        var heartbeats = new List<RegionHeartbeatRequest>();
        for (var i = 0; i < Concurrent; i++)
        {
            var peer = new Peer { Id = NextId(), StoreId = stores[0].Id };
            heartbeats.Add(new RegionHeartbeatRequest
            {
                Header = header,
                Region = new Region
                {
                    Id = NextId(),
                    StartKey = i == 0 ? ByteString.Empty : Key(i),
                    EndKey = i == Concurrent - 1 ? ByteString.Empty : Key(i + 1),
                    Peers = { peer },
                    RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
                },
                Leader = peer,
            });
        }

        new Random(TestSeed.Value).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(heartbeats));
        var senders = Enumerable.Range(0, Streams).Select(s => Open()).ToList();
        await Task.WhenAll(senders.Select(async (call, s) =>
        {
            try
            {
                for (var i = s; i < heartbeats.Count; i += Streams)
                {
                    await call.RequestStream.WriteAsync(heartbeats[i], stop.Token);
                }
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or OperationCanceledException)
            {
                // The server ended this stream; its reader records why.
            }
        }));

        // Wait for the first store to be told to add a peer (or for every stream to end, on a failure).
        await Task.WhenAny(told.Task, Task.WhenAll(readers), Task.Delay(s_limit, stop.Token));
        foreach (var call in calls)
        {
            try
            {
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or OperationCanceledException)
            {
                // Already ended; its reader recorded why.
            }
        }

        await Task.WhenAll(readers);
        var regions = await client.ScanRegionsAsync(new ScanRegionsRequest { Header = header });
        foreach (var call in calls)
        {
            call.Dispose();
        }

        failures.Should().BeEmpty();
        responses.Where(r => r.Header?.Error is not null).Should().BeEmpty("every heartbeat is fresh and must be accepted");
        regions.Regions.Should().HaveCount(Concurrent, "the 2,000 regions cover the key space and replace the three that covered it before");
        responses.Should().Contain(
            r => r.ChangePeer != null && r.ChangePeer.ChangeType == ConfChangeType.AddNode && r.ChangePeer.Peer.StoreId != stores[0].Id,
            "the first store leads every region, each short of replicas: it is told on its stream to add peers");
    }

    private static async Task WaitUntilKnownAsync(
        Proto.Schedulerpb.Scheduler.SchedulerClient client, RequestHeader header, ulong regionId, CancellationToken cancel)
    {
        while ((await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = header, RegionId = regionId }, cancellationToken: cancel)).Region is null)
        {
            await Task.Delay(5, cancel);
        }
    }

    private static async Task ReadAllAsync(
        AsyncDuplexStreamingCall<RegionHeartbeatRequest, RegionHeartbeatResponse> call,
        ConcurrentQueue<RegionHeartbeatResponse> responses,
        ConcurrentQueue<string> failures,
        TaskCompletionSource told)
    {
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                responses.Enqueue(response);
                if (response.ChangePeer is { ChangeType: ConfChangeType.AddNode })
                {
                    told.TrySetResult();
                }
            }
        }
        catch (RpcException e)
        {
            failures.Enqueue($"a heartbeat stream ended with {e.StatusCode}: {e.Status.Detail}");
        }
    }

    private static ByteString Key(int i) => ByteString.CopyFromUtf8(i.ToString(CultureInfo.InvariantCulture).PadLeft(5));
}
