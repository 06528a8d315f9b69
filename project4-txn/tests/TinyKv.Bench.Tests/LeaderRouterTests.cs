using FluentAssertions;
using Grpc.Core;
using TinyKv.Bench.Targets;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Metapb;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>A client follows the leader a NotLeader region error names, and tries the next endpoint without one.</summary>
public sealed class LeaderRouterTests
{
    private static readonly EndpointList s_cluster = EndpointList.Parse("1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162");

    [Fact]
    public void Not_leader_naming_a_store_moves_to_that_store()
    {
        var router = new LeaderRouter(s_cluster, startIndex: 0);

        var hint = router.OnRegionError(NotLeader(leaderStore: 3));

        hint.Should().Be(RetryHint.ToLeader);
        router.CurrentEndpoint.Should().Be(new Endpoint(3, "127.0.0.1:20162"));
    }

    [Fact]
    public void Not_leader_without_a_leader_moves_to_the_next_endpoint()
    {
        var router = new LeaderRouter(s_cluster, startIndex: 2);

        var hint = router.OnRegionError(NotLeader(leaderStore: 0));

        hint.Should().Be(RetryHint.Elsewhere);
        router.Current.Should().Be(0);
    }

    [Fact]
    public void Not_leader_naming_a_store_not_in_the_list_moves_to_the_next_endpoint()
    {
        var router = new LeaderRouter(s_cluster, startIndex: 0);

        router.OnRegionError(NotLeader(leaderStore: 9)).Should().Be(RetryHint.Elsewhere);
        router.Current.Should().Be(1);
    }

    [Fact]
    public void A_plain_address_list_has_no_store_ids_so_not_leader_moves_on()
    {
        var router = new LeaderRouter(EndpointList.Parse("127.0.0.1:1,127.0.0.1:2"), startIndex: 0);

        router.OnRegionError(NotLeader(leaderStore: 2)).Should().Be(RetryHint.Elsewhere);
        router.Current.Should().Be(1);
    }

    [Fact]
    public void Stale_command_and_epoch_not_match_ask_the_same_server_again()
    {
        var router = new LeaderRouter(s_cluster, startIndex: 1);

        router.OnRegionError(new Error { StaleCommand = new StaleCommand() }).Should().Be(RetryHint.Again);
        router.OnRegionError(new Error { EpochNotMatch = new EpochNotMatch() }).Should().Be(RetryHint.Again);
        router.Current.Should().Be(1);
    }

    [Fact]
    public void An_unreachable_server_moves_to_the_next_endpoint_wrapping_around()
    {
        var router = new LeaderRouter(s_cluster, startIndex: 5);
        router.Current.Should().Be(2);

        router.OnUnreachable();

        router.Current.Should().Be(0);
    }

    [Theory]
    [InlineData(StatusCode.DeadlineExceeded, "deadline")]
    [InlineData(StatusCode.Unavailable, "grpc:Unavailable")]
    [InlineData(StatusCode.Unimplemented, "grpc:Unimplemented")]
    public void A_failed_call_is_counted_under_its_status(StatusCode code, string kind)
    {
        ErrorKinds.Of(new RpcException(new Status(code, "x"))).Should().Be(kind);
    }

    [Fact]
    public void Region_errors_are_counted_under_the_field_that_is_set()
    {
        ErrorKinds.Of(NotLeader(1)).Should().Be("region:not_leader");
        ErrorKinds.Of(new Error { StaleCommand = new StaleCommand() }).Should().Be("region:stale_command");
        ErrorKinds.Of(new Error { EpochNotMatch = new EpochNotMatch() }).Should().Be("region:epoch_not_match");
        ErrorKinds.Of(new Error { Message = "?" }).Should().Be("region:other");
    }

    private static Error NotLeader(ulong leaderStore) => new()
    {
        Message = "not leader",
        NotLeader = new NotLeader { RegionId = 1, Leader = leaderStore == 0 ? null : new Peer { Id = 10 + leaderStore, StoreId = leaderStore } },
    };
}
