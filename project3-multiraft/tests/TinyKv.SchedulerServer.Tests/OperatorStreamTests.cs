using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Schedulerpb;
using Xunit;
using static TinyKv.SchedulerServer.Tests.Regions;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>Operators the coordinator creates reach the leader's store on its RegionHeartbeat stream.</summary>
public sealed class OperatorStreamTests
{
    [Fact]
    public async Task A_region_short_of_replicas_gets_an_add_peer_on_its_leader_s_stream_and_get_operator_reports_it()
    {
        await using var fixture = await SchedulerFixture.StartBootstrappedAsync(o => o with { PatrolRegionInterval = TimeSpan.FromMilliseconds(20) });
        var client = fixture.Client;
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            if (id != 1)
            {
                await client.PutStoreAsync(new PutStoreRequest { Header = fixture.Header, Store = SchedulerFixture.Store(id) });
            }

            await client.StoreHeartbeatAsync(new StoreHeartbeatRequest
            {
                Header = fixture.Header,
                Stats = new StoreStats { StoreId = id, Capacity = 1000UL << 20, Available = 1000UL << 20 },
            });
        }

        using var call = new HeartbeatCall(client);
        await call.SendAsync(fixture.Header, Create(2, "", "", peers: Peer(3, 1)), Peer(3, 1));

        var command = await call.ReadUntilAsync(r => r.ChangePeer is not null);
        var status = await client.GetOperatorAsync(new GetOperatorRequest { Header = fixture.Header, RegionId = 2 });

        command.Header.ClusterId.Should().Be(fixture.Server.ClusterId);
        command.RegionId.Should().Be(2);
        command.ChangePeer.ChangeType.Should().Be(ConfChangeType.AddNode);
        command.ChangePeer.Peer.StoreId.Should().BeOneOf(2UL, 3UL);
        status.Header.Error.Should().BeNull();
        status.Status.Should().Be(OperatorStatus.Running);
        status.Desc.ToStringUtf8().Should().NotBeEmpty();
    }
}
