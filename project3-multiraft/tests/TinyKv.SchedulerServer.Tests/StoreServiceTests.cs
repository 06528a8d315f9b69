using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using Xunit;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>PutStore, GetStore, GetAllStores and StoreHeartbeat over gRPC.</summary>
public sealed class StoreServiceTests
{
    [Fact]
    public async Task Put_store_then_get_store_and_get_all_stores_return_it()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;

        var put = await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = SchedulerFixture.Store(2) });
        var get = await client.GetStoreAsync(new GetStoreRequest { Header = fixture.Header, StoreId = 2 });
        var all = await client.GetAllStoresAsync(new GetAllStoresRequest { Header = fixture.Header });

        put.Header.Error.Should().BeNull();
        get.Store.Should().Be(SchedulerFixture.Store(2));
        all.Stores.Select(s => s.Id).Should().Equal(1UL, 2UL);
    }

    [Fact]
    public async Task Get_store_of_an_unknown_store_fails_with_status_unknown()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();

        var get = async () => await fixture.Client.GetStoreAsync(new GetStoreRequest { Header = fixture.Header, StoreId = 42 });

        (await get.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Unknown, "invalid store ID 42, not found"));
    }

    [Fact]
    public async Task Put_store_with_another_store_s_address_or_no_id_fails_with_status_unknown()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;
        var clash = new Store { Id = 2, Address = SchedulerFixture.Store(1).Address };

        var putClash = async () => await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = clash });
        var putNoId = async () => await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = new Store { Address = "127.0.0.1:1" } });

        (await putClash.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
        (await putNoId.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
    }

    [Fact]
    public async Task A_tombstone_store_is_refused_in_the_header_and_left_out_when_asked()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;
        var tombstone = SchedulerFixture.Store(3);
        tombstone.State = StoreState.Tombstone;
        await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = tombstone });

        var putAgain = await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = SchedulerFixture.Store(3) });
        var heartbeat = await client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = fixture.Header, Stats = new StoreStats { StoreId = 3 } });
        var all = await client.GetAllStoresAsync(new GetAllStoresRequest { Header = fixture.Header });
        var live = await client.GetAllStoresAsync(new GetAllStoresRequest { Header = fixture.Header, ExcludeTombstoneStores = true });

        putAgain.Header.Error.Type.Should().Be(ErrorType.StoreTombstone);
        heartbeat.Header.Error.Type.Should().Be(ErrorType.StoreTombstone);
        all.Stores.Select(s => s.Id).Should().Equal(1UL, 3UL);
        live.Stores.Select(s => s.Id).Should().Equal(1UL);
    }

    [Fact]
    public async Task Store_heartbeat_records_the_stats_get_store_returns()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var stats = new StoreStats { StoreId = 1, Capacity = 100, Available = 60, RegionCount = 7 };

        var heartbeat = await fixture.Client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = fixture.Header, Stats = stats });
        var get = await fixture.Client.GetStoreAsync(new GetStoreRequest { Header = fixture.Header, StoreId = 1 });

        heartbeat.Header.Error.Should().BeNull();
        get.Stats.Should().Be(stats);
    }

    [Fact]
    public async Task Store_heartbeat_of_an_unknown_store_or_without_stats_fails_with_status_unknown()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;

        var unknown = async () => await client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = fixture.Header, Stats = new StoreStats { StoreId = 9 } });
        var noStats = async () => await client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = fixture.Header });

        (await unknown.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
        (await noStats.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
    }
}
