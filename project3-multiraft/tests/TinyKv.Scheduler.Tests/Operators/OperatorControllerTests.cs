using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Tests.Support;
using Xunit;

namespace TinyKv.Scheduler.Tests.Operators;

/// <summary>
/// The operator controller (given code): one operator per region, steps sent to the leader,
/// progress seen in heartbeats, timeouts on the loop's clock. Regions are put straight into the
/// cluster, bypassing the heartbeat slot.
/// </summary>
public sealed class OperatorControllerTests
{
    private readonly ManualLoop _loop = new();
    private readonly RecordingStreams _streams = new();
    private readonly Cluster _cluster;
    private RegionInfo _region;

    public OperatorControllerTests()
    {
        _cluster = TestClusters.Create(_loop, _streams);
        foreach (var id in new ulong[] { 1, 2, 3, 4 })
        {
            _cluster.PutStore(new Store { Id = id, Address = $"store-{id}" });
        }

        // Region 10 on stores 1, 2, 3, led from store 1.
        var meta = new Region { Id = 10, RegionEpoch = new RegionEpoch { ConfVer = 3, Version = 1 } };
        meta.Peers.Add([new Peer { Id = 11, StoreId = 1 }, new Peer { Id = 12, StoreId = 2 }, new Peer { Id = 13, StoreId = 3 }]);
        _region = new RegionInfo(meta, meta.Peers[0].Clone());
        _cluster.PutRegion(_region);
    }

    private OperatorController Controller => _cluster.Operators;

    [Fact]
    public void Adding_an_operator_sends_its_first_step_to_the_leader_s_store()
    {
        var op = MoveFromLeaderTo(4);

        Controller.AddOperator(op).Should().BeTrue();

        var (store, sent) = _streams.Sent.Should().ContainSingle().Subject;
        store.Should().Be(1UL);
        sent.RegionId.Should().Be(10UL);
        sent.RegionEpoch.Should().Be(_region.Epoch);
        sent.TargetPeer.Should().Be(_region.Leader);
        sent.ChangePeer.ChangeType.Should().Be(ConfChangeType.AddNode);
        sent.ChangePeer.Peer.StoreId.Should().Be(4UL);
        Controller.GetOperatorStatus(10)!.Value.Status.Should().Be(OperatorStatus.Running);
    }

    [Fact]
    public void A_region_runs_one_operator_unless_a_more_urgent_one_replaces_it()
    {
        var first = MoveFromLeaderTo(4);
        Controller.AddOperator(first).Should().BeTrue();

        Controller.AddOperator(OperatorFactory.TransferLeader("test", _region, 1, 2, OperatorKind.Balance)).Should().BeFalse();

        var urgent = OperatorFactory.TransferLeader("test", _region, 1, 2, OperatorKind.Admin);
        Controller.AddOperator(urgent).Should().BeTrue();
        Controller.GetOperator(10).Should().BeSameAs(urgent);
    }

    [Fact]
    public void An_operator_made_against_an_older_epoch_is_refused()
    {
        var op = MoveFromLeaderTo(4);
        _region = _region.WithIncrementedVersion();
        _cluster.PutRegion(_region);

        Controller.AddOperator(op).Should().BeFalse();
        Controller.GetOperatorStatus(10)!.Value.Status.Should().Be(OperatorStatus.Cancel);
    }

    [Fact]
    public void Heartbeats_that_show_each_step_done_walk_the_operator_to_its_end()
    {
        var op = MoveFromLeaderTo(4);
        Controller.AddOperator(op);
        var newPeer = ((AddPeer)op.Steps[0]).PeerId;

        // The new peer joined but is still catching up: the step is not done, nothing is resent for it.
        Report(r => r.WithPeers([.. r.Peers, new Peer { Id = newPeer, StoreId = 4 }]).WithIncrementedConfVer().WithPendingPeers([new Peer { Id = newPeer, StoreId = 4 }]));
        op.CurrentStep.Should().Be(0);

        // Caught up: next, leadership moves away from store 1.
        Report(r => r.WithPendingPeers(null));
        _streams.Sent[^1].Response.TransferLeader.Peer.StoreId.Should().Be(2UL);

        Report(r => r.WithLeader(r.GetStorePeer(2)));
        _streams.Sent[^1].Response.ChangePeer.ChangeType.Should().Be(ConfChangeType.RemoveNode);
        _streams.Sent[^1].StoreId.Should().Be(2UL, "the command goes to the new leader");

        Report(r => r.WithoutStorePeer(1).WithIncrementedConfVer());
        op.IsFinished.Should().BeTrue();
        Controller.GetOperator(10).Should().BeNull();
        Controller.GetOperatorStatus(10)!.Value.Status.Should().Be(OperatorStatus.Success);
    }

    [Fact]
    public void An_operator_ends_when_it_times_out()
    {
        var op = OperatorFactory.TransferLeader("test", _region, 1, 2, OperatorKind.Balance);
        Controller.AddOperator(op);

        _loop.Advance(Operator.LeaderOperatorWaitTime + TimeSpan.FromSeconds(1));
        Controller.Dispatch(_region, DispatchSource.Heartbeat);

        Controller.GetOperator(10).Should().BeNull();
        Controller.GetOperatorStatus(10)!.Value.Status.Should().Be(OperatorStatus.Timeout);
    }

    [Fact]
    public void A_membership_change_the_operator_did_not_make_cancels_it()
    {
        Controller.AddOperator(MoveFromLeaderTo(4));

        Report(r => r.WithoutStorePeer(3).WithIncrementedConfVer());

        Controller.GetOperator(10).Should().BeNull();
        Controller.GetOperatorStatus(10)!.Value.Status.Should().Be(OperatorStatus.Cancel);
    }

    [Fact]
    public void Pushing_repeats_a_step_the_leader_has_not_acted_on()
    {
        Controller.AddOperator(MoveFromLeaderTo(4));
        _streams.Sent.Should().HaveCount(1);

        _loop.Advance(OperatorController.SlowPushInterval);
        Controller.PushOperators();

        _streams.Sent.Should().HaveCount(2);
        _streams.Sent[1].Response.Should().Be(_streams.Sent[0].Response);
    }

    [Fact]
    public void Operator_counts_are_kept_by_kind()
    {
        Controller.AddOperator(MoveFromLeaderTo(4));

        Controller.OperatorCount(OperatorKind.Region).Should().Be(1);
        Controller.OperatorCount(OperatorKind.Leader).Should().Be(1, "moving the leader's peer hands leadership over on the way");
        Controller.OperatorCount(OperatorKind.Replica).Should().Be(0);
    }

    private Operator MoveFromLeaderTo(ulong store) =>
        OperatorFactory.MovePeer("test", _cluster, _region, OperatorKind.Balance, 1, store, _cluster.AllocPeer(store).Id)!;

    private void Report(Func<RegionInfo, RegionInfo> change)
    {
        _region = change(_region);
        _cluster.PutRegion(_region);
        Controller.Dispatch(_region, DispatchSource.Heartbeat);
    }
}
