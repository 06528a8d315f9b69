using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Schedulers;
using TinyKv.Scheduler.Tests.Support;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Scheduler.Tests.Heartbeats;

/// <summary>
/// Many region heartbeats arriving together (3C, ConcurrentHandleRegion of the original).
/// </summary>
/// <remarks>
/// This port drives the cluster core on its loop: 2,000 heartbeats of single-peer regions land in
/// a seeded random order at random times within one second while the coordinator runs. It moves to
/// the gRPC server once that exists, sending the same heartbeats from concurrent callers over a
/// real RegionHeartbeat stream per store on a free loopback port.
/// </remarks>
[Milestone("3C")]
public sealed class ConcurrentRegionHeartbeatTests
{
    private const int Concurrent = 2000;

    [Fact]
    public void Concurrent_handle_region_accepts_every_heartbeat_and_answers_on_the_leader_s_stream()
    {
        var loop = new ManualLoop();
        var streams = new RecordingStreams();
        var cluster = TestClusters.Create(loop, streams);
        var random = new Random(TestSeed.Value);
        using var coordinator = new Coordinator(cluster, loop, [
            new BalanceLeader(cluster.Operators, new Random(TestSeed.Value + 1)),
            new BalanceRegion(cluster.Operators, new Random(TestSeed.Value + 2)),
        ]);
        coordinator.Start();

        var stores = new List<Store>();
        for (var i = 0; i < 3; i++)
        {
            var store = new Store { Id = cluster.AllocPeer(0).Id, Address = $"127.0.1.1:{i}" };
            stores.Add(store);
            cluster.PutStore(store);
            cluster.HandleStoreHeartbeat(new StoreStats { StoreId = store.Id, Capacity = 1000UL << 20, Available = 1000UL << 20 });

            // Each store opens its stream with a heartbeat of a region it leads.
            var peer = cluster.AllocPeer(store.Id);
            var region = new Region { Id = cluster.AllocPeer(0).Id, Peers = { peer } };
            cluster.HandleRegionHeartbeat(new RegionInfo(region, peer.Clone()));
        }

        var failures = new List<Exception>();
        var accepted = 0;
        for (var i = 0; i < Concurrent; i++)
        {
            var peer = cluster.AllocPeer(stores[0].Id);
            var region = new Region
            {
                Id = cluster.AllocPeer(0).Id,
                StartKey = i == 0 ? ByteString.Empty : Key(i),
                EndKey = i == Concurrent - 1 ? ByteString.Empty : Key(i + 1),
                Peers = { peer },
                RegionEpoch = new RegionEpoch { ConfVer = 1, Version = 1 },
            };
            var info = new RegionInfo(region, peer.Clone());
            loop.Schedule(random.NextInt64(1_000_000), () =>
            {
                try
                {
                    cluster.HandleRegionHeartbeat(info);
                    accepted++;
                }
                catch (SchedulerException e)
                {
                    failures.Add(e);
                }
            });
        }

        loop.Advance(TimeSpan.FromSeconds(2));

        failures.Should().BeEmpty();
        accepted.Should().Be(Concurrent);
        cluster.RegionCount.Should().Be(Concurrent, "the 2,000 regions cover the key space and replace the three that covered it before");
        streams.To(stores[0].Id).Should().Contain(
            r => r.ChangePeer != null && r.ChangePeer.ChangeType == ConfChangeType.AddNode,
            "the first store leads every region, each short of replicas: it is told to add peers");
    }

    private static ByteString Key(int i) => ByteString.CopyFromUtf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5));
}
