using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Schedulerpb;
using Xunit;
using static TinyKv.SchedulerServer.Tests.Regions;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>A server restarted over the same data directory keeps the cluster.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Restart_keeps_cluster_id_stores_regions_ids_gc_safe_point_and_timestamps_above_every_earlier_one()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;
        await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = SchedulerFixture.Store(2) });
        var region = Create(2, "", "", version: 3, confVer: 2, Peer(3, 1), Peer(4, 2));
        using (var call = new HeartbeatCall(client))
        {
            await call.SendAsync(fixture.Header, region, Peer(3, 1));
            await call.CompleteAndDrainAsync();
        }

        await client.UpdateGCSafePointAsync(new UpdateGCSafePointRequest { Header = fixture.Header, SafePoint = 77 });
        var lastId = (await client.AllocIDAsync(new AllocIDRequest { Header = fixture.Header })).Id;
        var lastTs = 0UL;
        using (var tso = client.Tso())
        {
            for (var i = 0; i < 50; i++)
            {
                await tso.RequestStream.WriteAsync(new TsoRequest { Header = fixture.Header, Count = 1000 });
                await tso.ResponseStream.MoveNext();
                lastTs = ClusterServiceTests.Compose(tso.ResponseStream.Current.Timestamp);
            }

            await tso.RequestStream.CompleteAsync();
        }

        var clusterId = fixture.Server.ClusterId;
        await fixture.RestartAsync();
        client = fixture.Client;

        fixture.Server.ClusterId.Should().Be(clusterId);
        (await client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = fixture.Header })).Bootstrapped.Should().BeTrue();
        (await client.GetAllStoresAsync(new GetAllStoresRequest { Header = fixture.Header })).Stores.Should().Equal(SchedulerFixture.Store(1), SchedulerFixture.Store(2));
        (await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = fixture.Header, RegionId = 2 })).Region.Should().Be(region);
        (await client.GetGCSafePointAsync(new GetGCSafePointRequest { Header = fixture.Header })).SafePoint.Should().Be(77);
        (await client.AllocIDAsync(new AllocIDRequest { Header = fixture.Header })).Id.Should().BeGreaterThan(lastId);
        using (var tso = client.Tso())
        {
            await tso.RequestStream.WriteAsync(new TsoRequest { Header = fixture.Header, Count = 1 });
            await tso.ResponseStream.MoveNext();
            ClusterServiceTests.Compose(tso.ResponseStream.Current.Timestamp).Should().BeGreaterThan(lastTs);
            await tso.RequestStream.CompleteAsync();
        }
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused()
    {
        await using var fixture = await SchedulerFixture.StartAsync();

        var second = async () => await TinySchedulerServer.StartAsync(SchedulerFixture.Options(fixture.Data));

        await second.Should().ThrowAsync<IOException>();
    }
}
