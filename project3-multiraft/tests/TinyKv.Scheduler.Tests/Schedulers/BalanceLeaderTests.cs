using FluentAssertions;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Schedulers;
using TinyKv.Scheduler.Tests.Support;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Scheduler.Tests.Schedulers;

/// <summary>Balance-leader (given code): moves leaders from stores that lead many to stores that lead few.</summary>
public sealed class BalanceLeaderTests
{
    private readonly MockCluster _cluster = new();
    private readonly BalanceLeader _scheduler;

    public BalanceLeaderTests() =>
        _scheduler = new BalanceLeader(new OperatorController(_cluster, streams: null), new Random(TestSeed.Value));

    [Fact]
    public void Leaders_move_only_past_the_tolerance()
    {
        _cluster.AddLeaderStore(1, 1);
        _cluster.AddLeaderStore(2, 0);
        _cluster.AddLeaderStore(3, 0);
        _cluster.AddLeaderStore(4, 0);
        _cluster.AddLeaderRegion(1, 1, 2, 3, 4);
        _scheduler.Schedule(_cluster).Should().BeNull();

        _cluster.UpdateLeaderCount(1, 16);
        _scheduler.Schedule(_cluster).Should().NotBeNull();

        _cluster.UpdateLeaderCount(1, 7);
        _cluster.UpdateLeaderCount(2, 8);
        _cluster.UpdateLeaderCount(3, 9);
        _cluster.UpdateLeaderCount(4, 10);
        _cluster.AddLeaderRegion(1, 4, 1, 2, 3);
        _scheduler.Schedule(_cluster).Should().BeNull();

        _cluster.UpdateLeaderCount(4, 18);
        _scheduler.Schedule(_cluster).Should().NotBeNull();
    }

    [Fact]
    public void Stores_that_are_down_busy_or_disconnected_take_no_leader()
    {
        _cluster.AddLeaderStore(1, 1);
        _cluster.AddLeaderStore(2, 2);
        _cluster.AddLeaderStore(3, 3);
        _cluster.AddLeaderStore(4, 16);
        _cluster.AddLeaderRegion(1, 4, 1, 2, 3);
        _scheduler.Schedule(_cluster).ShouldTransferLeader(OperatorKind.Balance, 4, 1);

        // An offline store still serves: its leaders may leave.
        _cluster.SetStoreOffline(4);
        _scheduler.Schedule(_cluster).ShouldTransferLeader(OperatorKind.Balance, 4, 1);

        _cluster.SetStoreDown(1);
        _scheduler.Schedule(_cluster).ShouldTransferLeader(OperatorKind.Balance, 4, 2);

        _cluster.SetStoreBusy(2, true);
        _scheduler.Schedule(_cluster).ShouldTransferLeader(OperatorKind.Balance, 4, 3);

        _cluster.SetStoreDisconnect(3);
        _scheduler.Schedule(_cluster).Should().BeNull();
    }

    [Fact]
    public void A_leader_is_pulled_into_the_store_that_leads_fewest_when_the_fullest_cannot_give()
    {
        _cluster.AddLeaderStore(1, 1);
        _cluster.AddLeaderStore(2, 14);
        _cluster.AddLeaderStore(3, 15);
        _cluster.AddLeaderStore(4, 16);
        _cluster.AddLeaderRegion(1, 4, 2, 3);
        _cluster.AddLeaderRegion(2, 3, 1, 2);

        _scheduler.Schedule(_cluster).ShouldTransferLeader(OperatorKind.Balance, 3, 1);
    }
}
