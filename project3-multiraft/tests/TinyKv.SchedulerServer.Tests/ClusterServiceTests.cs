using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using Xunit;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>Cluster config, GC safe point, ScatterRegion, GetOperator and Tso over gRPC.</summary>
public sealed class ClusterServiceTests
{
    [Fact]
    public async Task Put_cluster_config_replaces_the_config_and_refuses_another_cluster_s_id()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;
        var config = new Cluster { Id = fixture.Server.ClusterId, MaxPeerCount = 5 };

        var put = await client.PutClusterConfigAsync(new PutClusterConfigRequest { Header = fixture.Header, Cluster = config });
        var get = await client.GetClusterConfigAsync(new GetClusterConfigRequest { Header = fixture.Header });
        var putOther = async () => await client.PutClusterConfigAsync(new PutClusterConfigRequest { Header = fixture.Header, Cluster = new Cluster { Id = 7 } });

        put.Header.Error.Should().BeNull();
        get.Cluster.Should().Be(config);
        (await putOther.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
    }

    [Fact]
    public async Task Gc_safe_point_moves_forward_only()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();
        var client = fixture.Client;

        var initial = await client.GetGCSafePointAsync(new GetGCSafePointRequest { Header = fixture.Header });
        var forward = await client.UpdateGCSafePointAsync(new UpdateGCSafePointRequest { Header = fixture.Header, SafePoint = 100 });
        var back = await client.UpdateGCSafePointAsync(new UpdateGCSafePointRequest { Header = fixture.Header, SafePoint = 50 });
        var now = await client.GetGCSafePointAsync(new GetGCSafePointRequest { Header = fixture.Header });

        initial.SafePoint.Should().Be(0);
        forward.NewSafePoint.Should().Be(100);
        back.NewSafePoint.Should().Be(100);
        now.SafePoint.Should().Be(100);
    }

    [Fact]
    public async Task Scatter_region_is_acknowledged_as_in_the_original()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();

        var scatter = await fixture.Client.ScatterRegionAsync(new ScatterRegionRequest { Header = fixture.Header, RegionId = 2 });

        scatter.Header.Should().Be(new ResponseHeader { ClusterId = fixture.Server.ClusterId });
    }

    [Fact]
    public async Task Get_operator_of_a_region_without_one_answers_region_not_found_in_the_header()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync();

        var response = await fixture.Client.GetOperatorAsync(new GetOperatorRequest { Header = fixture.Header, RegionId = 2 });

        response.Header.Error.Type.Should().Be(ErrorType.RegionNotFound);
    }

    [Fact]
    public async Task Tso_stream_hands_out_strictly_increasing_timestamps_and_reserves_count_logical_steps()
    {
        await using var fixture = await SchedulerFixture.StartAsync();
        using var tso = fixture.Client.Tso();
        var last = 0UL;
        for (var i = 0; i < 100; i++)
        {
            await tso.RequestStream.WriteAsync(new TsoRequest { Header = fixture.Header, Count = 10 });
            (await tso.ResponseStream.MoveNext()).Should().BeTrue();
            var response = tso.ResponseStream.Current;
            var ts = Compose(response.Timestamp);

            response.Count.Should().Be(10);
            (ts - 9).Should().BeGreaterThan(last, "the ten timestamps of a response come after every earlier one");
            last = ts;
        }

        await tso.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task Tso_with_count_zero_fails_with_status_unknown()
    {
        await using var fixture = await SchedulerFixture.StartAsync();
        using var tso = fixture.Client.Tso();

        await tso.RequestStream.WriteAsync(new TsoRequest { Header = fixture.Header, Count = 0 });
        var read = async () => await tso.ResponseStream.MoveNext();

        (await read.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown);
    }

    public static ulong Compose(Timestamp ts) => ((ulong)ts.Physical << 18) | (ulong)ts.Logical;
}
