using System.Diagnostics;
using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit.Etcd;
using Xunit;
using static TinyKv.SchedulerServer.Tests.Regions;

namespace TinyKv.SchedulerServer.Tests.Etcd;

/// <summary>
/// Several tinyscheduler-server processes over one etcd (<c>--etcd</c>): one leader, followers
/// that answer "not leader", and a failover that keeps the cluster, its ids and its timestamps.
/// Real processes, every wait bounded, every process killed by id at the end.
/// </summary>
public sealed class EtcdLeadershipTests
{
    [FactNeedingEtcd]
    public async Task Three_schedulers_over_one_etcd_elect_exactly_one_leader_and_the_others_answer_not_leader()
    {
        await using var group = await SchedulerGroup.StartAsync(members: 3);

        var (members, leader) = await group.AgreedLeaderAsync(group.Members);

        members.Members.Select(m => m.ClientUrls.Single()).Should().BeEquivalentTo(group.Members.Select(m => m.Url.ToString().TrimEnd('/')));
        members.Leader.ClientUrls.Should().Equal(leader.Url.ToString().TrimEnd('/'));
        var header = new RequestHeader { ClusterId = members.Header.ClusterId };
        (await leader.Client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = header })).Bootstrapped.Should().BeFalse();
        foreach (var follower in group.Members.Where(m => m != leader))
        {
            await ExpectNotLeader(() => follower.Client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = header }).ResponseAsync);
            await ExpectNotLeader(() => follower.Client.AllocIDAsync(new AllocIDRequest { Header = header }).ResponseAsync);
            await ExpectNotLeader(async () =>
            {
                using var tso = follower.Client.Tso();
                await tso.RequestStream.WriteAsync(new TsoRequest { Header = header, Count = 1 });
                await tso.ResponseStream.MoveNext();
            });
            await ExpectNotLeader(async () =>
            {
                using var heartbeats = new HeartbeatCall(follower.Client);
                await heartbeats.ReadAsync();
            });
        }
    }

    [FactNeedingEtcd]
    public async Task Killing_the_leader_hands_over_to_another_member_that_keeps_the_cluster_and_hands_out_higher_ids_and_timestamps()
    {
        await using var group = await SchedulerGroup.StartAsync(members: 3);
        var (members, leader) = await group.AgreedLeaderAsync(group.Members);
        var clusterId = members.Header.ClusterId;
        var header = new RequestHeader { ClusterId = clusterId };
        var client = leader.Client;
        (await client.BootstrapAsync(new BootstrapRequest { Header = header, Store = SchedulerFixture.Store(1) })).Header.Error.Should().BeNull();
        (await client.PutStoreAsync(new PutStoreRequest { Header = header, Store = SchedulerFixture.Store(2) })).Header.Error.Should().BeNull();
        var region = Create(2, "", "", version: 3, confVer: 2, Peer(3, 1), Peer(4, 2));
        using (var call = new HeartbeatCall(client))
        {
            await call.SendAsync(header, region, Peer(3, 1));
            await call.CompleteAndDrainAsync();
        }

        var ids = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.AllocIDAsync(new AllocIDRequest { Header = header })).Id);
        }

        var lastTs = await TimestampAsync(client, header, count: 1000);

        leader.Kill();
        var clock = Stopwatch.StartNew();
        var survivors = group.Members.Where(m => m != leader).ToList();
        var (after, successor) = await group.AgreedLeaderAsync(survivors, l => l.MemberId != members.Leader.MemberId);
        clock.Elapsed.Should().BeLessThan(SchedulerGroup.ElectionLimit);

        after.Header.ClusterId.Should().Be(clusterId);
        client = successor.Client;
        (await client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = header })).Bootstrapped.Should().BeTrue();
        (await client.GetAllStoresAsync(new GetAllStoresRequest { Header = header })).Stores.Should().Equal(SchedulerFixture.Store(1), SchedulerFixture.Store(2));
        (await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = header, RegionId = 2 })).Region.Should().Be(region);
        (await client.AllocIDAsync(new AllocIDRequest { Header = header })).Id.Should().BeGreaterThan(ids.Max());
        (await TimestampAsync(client, header, count: 1)).Should().BeGreaterThan(lastTs);
    }

    [FactNeedingEtcd]
    public async Task A_scheduler_started_over_a_cluster_already_in_etcd_loads_it()
    {
        await using var group = await SchedulerGroup.StartAsync(members: 1);
        var (members, first) = await group.AgreedLeaderAsync(group.Members);
        var header = new RequestHeader { ClusterId = members.Header.ClusterId };
        await first.Client.BootstrapAsync(new BootstrapRequest { Header = header, Store = SchedulerFixture.Store(1) });
        await first.Client.PutStoreAsync(new PutStoreRequest { Header = header, Store = SchedulerFixture.Store(7) });
        var lastId = (await first.Client.AllocIDAsync(new AllocIDRequest { Header = header })).Id;
        var lastTs = await TimestampAsync(first.Client, header, count: 10);

        first.Kill();
        var second = await group.StartMemberAsync();
        var (after, leader) = await group.AgreedLeaderAsync([second], l => l.MemberId != members.Leader.MemberId);

        leader.Should().BeSameAs(second);
        after.Header.ClusterId.Should().Be(header.ClusterId);
        (await second.Client.GetAllStoresAsync(new GetAllStoresRequest { Header = header })).Stores.Should().Equal(SchedulerFixture.Store(1), SchedulerFixture.Store(7));
        (await second.Client.AllocIDAsync(new AllocIDRequest { Header = header })).Id.Should().BeGreaterThan(lastId);
        (await TimestampAsync(second.Client, header, count: 1)).Should().BeGreaterThan(lastTs);
    }

    [FactNeedingEtcd]
    public async Task A_leader_paused_past_its_lease_ends_its_heartbeat_stream_with_not_leader_once_it_runs_again()
    {
        await using var group = await SchedulerGroup.StartAsync(members: 2);
        var (members, leader) = await group.AgreedLeaderAsync(group.Members);
        var header = new RequestHeader { ClusterId = members.Header.ClusterId };
        await leader.Client.BootstrapAsync(new BootstrapRequest { Header = header, Store = SchedulerFixture.Store(1) });
        using var stream = new HeartbeatCall(leader.Client);
        await stream.SendAsync(header, Create(2, "", "", 1, 1, Peer(3, 1)), Peer(3, 1));
        await leader.Client.AllocIDAsync(new AllocIDRequest { Header = header }); // The heartbeat is handled and durable.

        leader.Signal("STOP");
        var other = group.Members.Single(m => m != leader);
        var (_, successor) = await group.AgreedLeaderAsync([other], l => l.MemberId != members.Leader.MemberId);
        await successor.Client.PutStoreAsync(new PutStoreRequest { Header = header, Store = SchedulerFixture.Store(9) });
        leader.Signal("CONT");

        var ended = async () => await stream.ReadAsync(TimeSpan.FromSeconds(15));
        (await ended.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Unavailable, SchedulerService.NotLeaderDetail));
        await ExpectNotLeader(() => leader.Client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = header }).ResponseAsync);
        (await successor.Client.GetAllStoresAsync(new GetAllStoresRequest { Header = header })).Stores.Select(s => s.Id).Should().Equal(1UL, 9UL);
    }

    [Fact]
    public void The_test_kit_waits_for_the_answer_the_server_gives_when_it_does_not_lead() =>
        SchedulerGroup.NotLeaderDetail.Should().Be(SchedulerService.NotLeaderDetail);

    private static async Task ExpectNotLeader(Func<Task> call)
    {
        var refused = await call.Should().ThrowAsync<RpcException>();
        refused.Which.StatusCode.Should().Be(StatusCode.Unavailable);
        refused.Which.Status.Detail.Should().Be(SchedulerService.NotLeaderDetail);
    }

    private static async Task<ulong> TimestampAsync(Proto.Schedulerpb.Scheduler.SchedulerClient client, RequestHeader header, uint count)
    {
        using var tso = client.Tso();
        await tso.RequestStream.WriteAsync(new TsoRequest { Header = header, Count = count });
        await tso.ResponseStream.MoveNext();
        var ts = ClusterServiceTests.Compose(tso.ResponseStream.Current.Timestamp);
        await tso.RequestStream.CompleteAsync();
        return ts;
    }
}
