using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using Xunit;
using static TinyKv.SchedulerServer.Tests.Regions;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>Region heartbeats and the region queries over gRPC: GetRegion, GetPrevRegion, GetRegionByID, ScanRegions, AskSplit.</summary>
public sealed class RegionServiceTests
{
    /// <summary>Two regions led by store 1: [, m) (id 2) and [m, ) (id 4).</summary>
    private static async Task<(Region Left, Region Right)> TwoRegionsAsync(SchedulerFixture fixture)
    {
        var left = Create(2, "", "m", peers: Peer(3, 1));
        var right = Create(4, "m", "", peers: Peer(5, 1));
        using var call = new HeartbeatCall(fixture.Client);
        await call.SendAsync(fixture.Header, left, Peer(3, 1));
        await call.SendAsync(fixture.Header, right, Peer(5, 1));
        await call.CompleteAndDrainAsync();
        return (left, right);
    }

    [Fact]
    public async Task Heartbeated_regions_are_found_by_key_by_previous_key_and_by_id_with_their_leader()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var (left, right) = await TwoRegionsAsync(fixture);
        var client = fixture.Client;

        var byKey = await client.GetRegionAsync(new GetRegionRequest { Header = fixture.Header, RegionKey = Key("x") });
        var previous = await client.GetPrevRegionAsync(new GetRegionRequest { Header = fixture.Header, RegionKey = Key("x") });
        var byId = await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = fixture.Header, RegionId = left.Id });
        var missing = await client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = fixture.Header, RegionId = 99 });

        byKey.Region.Should().Be(right);
        byKey.Leader.Should().Be(Peer(5, 1));
        previous.Region.Should().Be(left);
        byId.Region.Should().Be(left);
        missing.Header.Error.Should().BeNull();
        missing.Region.Should().BeNull("an unknown region is an empty answer, not an error, as in the original");
    }

    [Fact]
    public async Task Scan_regions_returns_regions_in_key_order_with_a_leader_each_up_to_the_limit()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var (left, right) = await TwoRegionsAsync(fixture);

        var all = await fixture.Client.ScanRegionsAsync(new ScanRegionsRequest { Header = fixture.Header, StartKey = Key("") });
        var one = await fixture.Client.ScanRegionsAsync(new ScanRegionsRequest { Header = fixture.Header, StartKey = Key("a"), Limit = 1 });

        all.Regions.Should().Equal(left, right);
        all.Leaders.Should().Equal(Peer(3, 1), Peer(5, 1));
        one.Regions.Should().Equal(left);
    }

    [Fact]
    public async Task A_stale_heartbeat_gets_an_error_header_on_the_stream_and_changes_nothing()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        using var call = new HeartbeatCall(fixture.Client);
        var region = Create(2, "", "", version: 5, confVer: 5, Peer(3, 1));
        await call.SendAsync(fixture.Header, region, Peer(3, 1));

        await call.SendAsync(fixture.Header, Create(2, "", "", version: 4, confVer: 5, Peer(3, 1)), Peer(3, 1));
        var response = await call.ReadAsync();
        var known = await fixture.Client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = fixture.Header, RegionId = 2 });

        response!.Header.Error.Type.Should().Be(ErrorType.Unknown);
        response.Header.Error.Message.Should().Contain("stale");
        known.Region.Should().Be(region);
    }

    [Fact]
    public async Task A_heartbeat_of_region_zero_gets_an_error_header_and_the_stream_goes_on()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        using var call = new HeartbeatCall(fixture.Client);

        await call.SendAsync(fixture.Header, Create(0, "", "", peers: Peer(3, 1)), Peer(3, 1));
        var response = await call.ReadAsync();
        await call.SendAsync(fixture.Header, Create(2, "", "", version: 1, confVer: 1, Peer(3, 1)), Peer(3, 1));
        var rest = await call.CompleteAndDrainAsync();

        response!.Header.Error.Type.Should().Be(ErrorType.Unknown);
        rest.Should().BeEmpty();
        (await fixture.Client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = fixture.Header, RegionId = 2 })).Region.Should().NotBeNull();
    }

    [Fact]
    public async Task A_heartbeat_whose_leader_is_on_an_unknown_store_ends_the_stream_with_status_unknown()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        using var call = new HeartbeatCall(fixture.Client);

        await call.SendAsync(fixture.Header, Create(2, "", "", peers: Peer(3, 7)), Peer(3, 7));
        var read = async () => await call.ReadAsync();

        (await read.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Unknown, "invalid store ID 7, not found"));
    }

    [Fact]
    public async Task Ask_split_hands_out_a_region_id_and_a_peer_id_per_peer_for_a_current_region()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var (left, _) = await TwoRegionsAsync(fixture);

        var split = await fixture.Client.AskSplitAsync(new AskSplitRequest { Header = fixture.Header, Region = left });

        split.Header.Error.Should().BeNull();
        split.NewRegionId.Should().BeGreaterThan(0);
        split.NewPeerIds.Should().HaveCount(1).And.NotContain(split.NewRegionId);
    }

    [Fact]
    public async Task Ask_split_with_a_stale_epoch_an_unknown_region_or_no_region_fails_with_status_unknown()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;
        using (var call = new HeartbeatCall(client))
        {
            await call.SendAsync(fixture.Header, Create(2, "", "m", version: 3, confVer: 3, Peer(3, 1)), Peer(3, 1));
            await call.CompleteAndDrainAsync();
        }

        var stale = async () => await client.AskSplitAsync(new AskSplitRequest { Header = fixture.Header, Region = Create(2, "", "m", version: 2, confVer: 3, Peer(3, 1)) });
        var unknown = async () => await client.AskSplitAsync(new AskSplitRequest { Header = fixture.Header, Region = Create(9, "x", "", peers: Peer(10, 1)) });
        var none = async () => await client.AskSplitAsync(new AskSplitRequest { Header = fixture.Header });

        (await stale.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
        (await unknown.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
        (await none.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
    }
}
