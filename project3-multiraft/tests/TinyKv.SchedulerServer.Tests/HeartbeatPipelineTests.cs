using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Schedulerpb;
using Xunit;
using static TinyKv.SchedulerServer.Tests.Regions;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>
/// A RegionHeartbeat stream hands its heartbeats to the scheduler's loop without waiting for each:
/// they are still handled in the order sent, and a failing one still ends the call with its error.
/// </summary>
public sealed class HeartbeatPipelineTests
{
    [Fact]
    public async Task Heartbeats_of_one_stream_are_handled_in_the_order_sent()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        using var call = new HeartbeatCall(fixture.Client);

        // Each heartbeat raises the version: one handled out of order would be stale and refused.
        for (ulong version = 1; version <= 300; version++)
        {
            await call.SendAsync(fixture.Header, Create(2, "", "", version: version, peers: Peer(3, 1)), Peer(3, 1));
        }

        var responses = await call.CompleteAndDrainAsync();
        var region = await fixture.Client.GetRegionByIDAsync(new GetRegionByIDRequest { Header = fixture.Header, RegionId = 2 });

        responses.Should().NotContain(r => r.Header.Error != null);
        region.Region.RegionEpoch.Version.Should().Be(300);
    }

    [Fact]
    public async Task A_failing_heartbeat_after_good_ones_ends_the_call_with_its_error_and_the_good_ones_are_recorded()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        using var call = new HeartbeatCall(fixture.Client);
        for (var i = 0; i < 10; i++)
        {
            await call.SendAsync(fixture.Header, Create(10 + (ulong)i, $"k{i}", $"k{i}~", peers: Peer(100 + (ulong)i, 1)), Peer(100 + (ulong)i, 1));
        }

        await call.SendAsync(fixture.Header, Create(50, "x", "y", peers: Peer(500, 7)), Peer(500, 7));
        var read = async () => await call.ReadAsync();

        (await read.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Unknown, "invalid store ID 7, not found"));
        var scan = await fixture.Client.ScanRegionsAsync(new ScanRegionsRequest { Header = fixture.Header });
        scan.Regions.Select(r => r.Id).Should().Equal(Enumerable.Range(10, 10).Select(i => (ulong)i));
    }
}
