using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using Xunit;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>Before bootstrap, bootstrap itself, and requests for another cluster: the errors the original scheduler gives.</summary>
public sealed class BootstrapAndHeaderTests
{
    [Fact]
    public async Task Cluster_requests_before_bootstrap_answer_not_bootstrapped_in_the_header()
    {
        await using var fixture = await SchedulerFixture.StartAsync();
        var client = fixture.Client;
        var header = fixture.Header;

        (await client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = header })).Bootstrapped.Should().BeFalse();
        var headers = new List<ResponseHeader>
        {
            (await client.GetStoreAsync(new GetStoreRequest { Header = header, StoreId = 1 })).Header,
            (await client.PutStoreAsync(new PutStoreRequest { Header = header, Store = SchedulerFixture.Store(1) })).Header,
            (await client.GetAllStoresAsync(new GetAllStoresRequest { Header = header })).Header,
            (await client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = header, Stats = new StoreStats { StoreId = 1 } })).Header,
            (await client.GetRegionAsync(new GetRegionRequest { Header = header })).Header,
            (await client.GetPrevRegionAsync(new GetRegionRequest { Header = header })).Header,
            (await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = header, RegionId = 1 })).Header,
            (await client.ScanRegionsAsync(new ScanRegionsRequest { Header = header })).Header,
            (await client.AskSplitAsync(new AskSplitRequest { Header = header, Region = new Region { Id = 1 } })).Header,
            (await client.GetClusterConfigAsync(new GetClusterConfigRequest { Header = header })).Header,
            (await client.PutClusterConfigAsync(new PutClusterConfigRequest { Header = header, Cluster = new Cluster { Id = header.ClusterId } })).Header,
            (await client.GetGCSafePointAsync(new GetGCSafePointRequest { Header = header })).Header,
            (await client.UpdateGCSafePointAsync(new UpdateGCSafePointRequest { Header = header, SafePoint = 5 })).Header,
            (await client.GetOperatorAsync(new GetOperatorRequest { Header = header, RegionId = 1 })).Header,
        };

        headers.Should().AllSatisfy(h =>
        {
            h.ClusterId.Should().Be(header.ClusterId);
            h.Error.Type.Should().Be(ErrorType.NotBootstrapped);
        });
    }

    [Fact]
    public async Task Region_heartbeat_stream_before_bootstrap_gets_one_not_bootstrapped_response_and_ends()
    {
        await using var fixture = await SchedulerFixture.StartAsync();
        using var call = new HeartbeatCall(fixture.Client);

        var first = await call.ReadAsync();
        var next = await call.ReadAsync();

        first!.Header.Error.Type.Should().Be(ErrorType.NotBootstrapped);
        next.Should().BeNull();
    }

    [Fact]
    public async Task Ids_timestamps_and_members_are_served_before_bootstrap()
    {
        await using var fixture = await SchedulerFixture.StartAsync();
        var client = fixture.Client;

        var first = await client.AllocIDAsync(new AllocIDRequest { Header = fixture.Header });
        var second = await client.AllocIDAsync(new AllocIDRequest { Header = fixture.Header });
        var members = await client.GetMembersAsync(new GetMembersRequest());

        first.Header.Error.Should().BeNull();
        second.Id.Should().BeGreaterThan(first.Id);
        members.Header.ClusterId.Should().Be(fixture.Server.ClusterId);
        members.Members.Should().ContainSingle().Which.ClientUrls.Should().Equal(fixture.Server.Url.ToString().TrimEnd('/'));
        members.Leader.Should().Be(members.Members[0]);
    }

    [Fact]
    public async Task Bootstrap_puts_the_first_store_and_a_second_bootstrap_is_refused_in_the_header()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;

        var again = await client.BootstrapAsync(new BootstrapRequest { Header = fixture.Header, Store = SchedulerFixture.Store(2) });
        var bootstrapped = await client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = fixture.Header });
        var store = await client.GetStoreAsync(new GetStoreRequest { Header = fixture.Header, StoreId = 1 });
        var config = await client.GetClusterConfigAsync(new GetClusterConfigRequest { Header = fixture.Header });

        again.Header.Error.Type.Should().Be(ErrorType.AlreadyBootstrapped);
        bootstrapped.Bootstrapped.Should().BeTrue();
        store.Store.Should().Be(SchedulerFixture.Store(1));
        config.Cluster.Id.Should().Be(fixture.Server.ClusterId);
        config.Cluster.MaxPeerCount.Should().Be(3);
    }

    [Fact]
    public async Task Bootstrap_without_a_store_id_fails_with_status_unknown_and_leaves_the_cluster_unbootstrapped()
    {
        await using var fixture = await SchedulerFixture.StartAsync();

        var bootstrap = async () => await fixture.Client.BootstrapAsync(new BootstrapRequest { Header = fixture.Header, Store = new Store() });

        (await bootstrap.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
        (await fixture.Client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = fixture.Header })).Bootstrapped.Should().BeFalse();
    }

    [Fact]
    public async Task Every_request_with_another_cluster_id_fails_with_failed_precondition()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;
        var wrong = new RequestHeader { ClusterId = fixture.Server.ClusterId + 1 };
        var calls = new List<Func<Task>>
        {
            async () => await client.BootstrapAsync(new BootstrapRequest { Header = wrong, Store = SchedulerFixture.Store(9) }),
            async () => await client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = wrong }),
            async () => await client.AllocIDAsync(new AllocIDRequest { Header = wrong }),
            async () => await client.GetStoreAsync(new GetStoreRequest { Header = wrong, StoreId = 1 }),
            async () => await client.PutStoreAsync(new PutStoreRequest { Header = wrong, Store = SchedulerFixture.Store(2) }),
            async () => await client.GetAllStoresAsync(new GetAllStoresRequest { Header = wrong }),
            async () => await client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = wrong, Stats = new StoreStats { StoreId = 1 } }),
            async () => await client.GetRegionAsync(new GetRegionRequest { Header = wrong }),
            async () => await client.GetPrevRegionAsync(new GetRegionRequest { Header = wrong }),
            async () => await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = wrong }),
            async () => await client.ScanRegionsAsync(new ScanRegionsRequest { Header = wrong }),
            async () => await client.AskSplitAsync(new AskSplitRequest { Header = wrong }),
            async () => await client.GetClusterConfigAsync(new GetClusterConfigRequest { Header = wrong }),
            async () => await client.PutClusterConfigAsync(new PutClusterConfigRequest { Header = wrong }),
            async () => await client.GetGCSafePointAsync(new GetGCSafePointRequest { Header = wrong }),
            async () => await client.UpdateGCSafePointAsync(new UpdateGCSafePointRequest { Header = wrong }),
            async () => await client.GetOperatorAsync(new GetOperatorRequest { Header = wrong }),
            async () => await client.GetStoreAsync(new GetStoreRequest { StoreId = 1 }), // no header at all
            async () =>
            {
                using var tso = client.Tso();
                await tso.RequestStream.WriteAsync(new TsoRequest { Header = wrong, Count = 1 });
                await tso.ResponseStream.MoveNext();
            },
            async () =>
            {
                using var call = new HeartbeatCall(client);
                await call.SendAsync(wrong, Regions.Create(2, "", "", peers: Regions.Peer(3, 1)), Regions.Peer(3, 1));
                await call.ReadAsync();
            },
        };

        foreach (var call in calls)
        {
            (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        }

        var refusedStore = async () => await client.GetStoreAsync(new GetStoreRequest { Header = fixture.Header, StoreId = 2 });
        (await refusedStore.Should().ThrowAsync<RpcException>("the refused PutStore of store 2 changed nothing")).Which.StatusCode.Should().Be(StatusCode.Unknown);
    }
}
