using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore;
using TinyKv.TestKit.RaftStore;
using TinyKv.TestKit.Simulation;
using Xunit;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.Simulation.Tests.Scheduler;

/// <summary>
/// The mock scheduler of the cluster tests: it keeps regions from heartbeats, hands out orders
/// until they take effect, allocates split ids, and fails at once on a report no correct store
/// sends — while ignoring reports that are merely late.
/// </summary>
public sealed class MockSchedulerTests
{
    private readonly Simulator _sim = Sim.Create<MockSchedulerTests>(seed: 1);
    private readonly MockScheduler _scheduler = new();
    private readonly List<(ulong Store, RegionHeartbeatResponse Response)> _answers = [];
    private readonly Dictionary<ulong, ISchedulerClient> _clients = [];

    public MockSchedulerTests()
    {
        _scheduler.Bootstrap(Region(1, "", "", confVer: 1, version: 1, peers: [(1, 1), (2, 2), (3, 3)]));
        for (ulong store = 1; store <= 4; store++)
        {
            var id = store;
            var client = _scheduler.ClientFor(id, _sim);
            client.SetRegionHeartbeatHandler(response => _answers.Add((id, response)));
            _clients[id] = client;
        }
    }

    [Fact]
    public void A_heartbeat_records_the_leader_and_the_answer_reaches_the_leaders_store_on_its_loop()
    {
        Heartbeat(2, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 2);

        _answers.Should().BeEmpty("the answer runs on the store's loop, not inside the heartbeat call");
        _sim.RunUntilIdle(100);
        _answers.Should().ContainSingle().Which.Store.Should().Be(2UL, "the answer goes to the store of the reporting leader");
        _answers[0].Response.ChangePeer.Should().BeNull("no order was scheduled");
        _scheduler.GetRegionById(1).Leader!.Id.Should().Be(2UL);
        _scheduler.GetRegion("anything"u8)!.Id.Should().Be(1UL, "region 1 covers every key");
    }

    [Fact]
    public void An_add_peer_order_is_repeated_until_the_peer_is_in_the_region_and_caught_up()
    {
        var newPeer = new MetaPeer { Id = 4, StoreId = 4 };
        _scheduler.AddPeer(1, newPeer);

        Heartbeat(1, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 1);
        Heartbeat(1, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 1);
        _sim.RunUntilIdle(100);
        _answers.Should().HaveCount(2);
        _answers.Should().OnlyContain(a => a.Response.ChangePeer != null && a.Response.ChangePeer.ChangeType == ConfChangeType.AddNode && a.Response.ChangePeer.Peer.Id == 4);

        // Added, but still behind: nothing more to order, and the order stands.
        Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (2, 2), (3, 3), (4, 4)]), leader: 1, pending: [(4, 4)]);
        _sim.RunUntilIdle(100);
        _answers[^1].Response.ChangePeer.Should().BeNull("the peer is in the region; it only has to catch up");
        _scheduler.HasOrder(1).Should().BeTrue("the new peer is still pending");
        _scheduler.IsPending(4).Should().BeTrue();

        Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (2, 2), (3, 3), (4, 4)]), leader: 1);
        _scheduler.HasOrder(1).Should().BeFalse("the peer caught up: the order took effect");
        _scheduler.IsPending(4).Should().BeFalse();
    }

    [Fact]
    public void Remove_peer_and_transfer_leader_orders_end_when_a_heartbeat_shows_them_done()
    {
        _scheduler.RemovePeer(1, new MetaPeer { Id = 3, StoreId = 3 });
        Heartbeat(1, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 1);
        _sim.RunUntilIdle(100);
        _answers[^1].Response.ChangePeer.ChangeType.Should().Be(ConfChangeType.RemoveNode);
        Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (2, 2)]), leader: 1);
        _scheduler.HasOrder(1).Should().BeFalse();

        _scheduler.TransferLeader(1, new MetaPeer { Id = 2, StoreId = 2 });
        Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (2, 2)]), leader: 1);
        _sim.RunUntilIdle(100);
        _answers[^1].Response.TransferLeader.Peer.Id.Should().Be(2UL);
        Heartbeat(2, Region(1, "", "", 2, 1, [(1, 1), (2, 2)]), leader: 2);
        _scheduler.HasOrder(1).Should().BeFalse("peer 2 leads now");
    }

    [Fact]
    public void A_late_report_with_an_older_epoch_is_ignored_not_failed()
    {
        Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (2, 2)]), leader: 1);

        Heartbeat(3, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 3);

        _scheduler.StaleHeartbeats.Should().Be(1);
        _scheduler.GetRegionById(1).Leader!.Id.Should().Be(1UL, "a deposed leader's late report changes nothing");
        _scheduler.GetRegionById(1).Region!.Peers.Should().HaveCount(2);
    }

    [Fact]
    public void A_split_replaces_the_parent_range_whichever_half_reports_first()
    {
        // 1 [, ) splits into 1 [, m) and 5 [m, ); the right half reports first.
        Heartbeat(1, Region(5, "m", "", 1, 2, [(11, 1), (12, 2), (13, 3)]), leader: 11);
        _scheduler.GetRegion("z"u8)!.Id.Should().Be(5UL);
        _scheduler.GetRegion("a"u8).Should().BeNull("the parent's old range was dropped; its left half has not reported yet");

        Heartbeat(1, Region(1, "", "m", 1, 2, [(1, 1), (2, 2), (3, 3)]), leader: 1);
        _scheduler.Regions.Select(r => r.Id).Should().Equal([1UL, 5UL], "two regions, in key order");

        // The parent's old leader reports the unsplit range late: ignored.
        Heartbeat(2, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 2);
        _scheduler.StaleHeartbeats.Should().Be(1);
        _scheduler.Regions.Should().HaveCount(2);
    }

    [Fact]
    public void Ask_split_gives_a_region_id_and_one_peer_id_per_peer_unless_the_epoch_is_stale()
    {
        AskSplitResponse? answer = null;
        _clients[1].AskSplit(Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), a => answer = a);
        _sim.RunUntilIdle(100);
        answer!.Header.Error.Should().BeNull();
        answer.NewPeerIds.Should().HaveCount(3).And.OnlyHaveUniqueItems().And.NotContain(answer.NewRegionId);

        Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (2, 2)]), leader: 1);
        _clients[1].AskSplit(Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), a => answer = a);
        _sim.RunUntilIdle(100);
        answer.Header.Error.Should().NotBeNull("the region's conf version moved on since this view");
        answer.Header.Error.Message.Should().Contain("stale");
    }

    [Fact]
    public void Two_conf_changes_in_one_step_fail_the_test()
    {
        var act = () => Heartbeat(1, Region(1, "", "", 2, 1, [(1, 1), (4, 4)]), leader: 1);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*exactly one peer*");
    }

    [Fact]
    public void A_conf_version_that_skips_a_step_fails_the_test()
    {
        var act = () => Heartbeat(1, Region(1, "", "", 3, 1, [(1, 1), (2, 2)]), leader: 1);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*one step at a time*");
    }

    [Fact]
    public void Peers_that_change_without_a_conf_version_step_fail_the_test()
    {
        var act = () => Heartbeat(1, Region(1, "", "", 1, 1, [(1, 1), (2, 2)]), leader: 1);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*without a conf version step*");
    }

    [Fact]
    public void A_range_that_changes_without_a_version_step_fails_the_test()
    {
        var act = () => Heartbeat(1, Region(1, "", "m", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 1);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*without a version step*");
    }

    [Fact]
    public void An_epoch_half_going_back_while_the_other_moves_on_fails_the_test()
    {
        Heartbeat(1, Region(1, "", "m", 1, 2, [(1, 1), (2, 2), (3, 3)]), leader: 1);

        var act = () => Heartbeat(1, Region(1, "", "m", 2, 1, [(1, 1), (2, 2)]), leader: 1);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*went back*");
    }

    [Fact]
    public void Two_regions_claiming_the_same_keys_at_one_version_fail_the_test()
    {
        Heartbeat(1, Region(5, "m", "", 1, 2, [(11, 1), (12, 2), (13, 3)]), leader: 11);

        var act = () => Heartbeat(1, Region(6, "p", "", 1, 2, [(21, 1), (22, 2), (23, 3)]), leader: 21);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*same keys at the same version*");
    }

    [Fact]
    public void A_leader_that_is_not_a_peer_of_its_region_fails_the_test()
    {
        var act = () => Heartbeat(4, Region(1, "", "", 1, 1, [(1, 1), (2, 2), (3, 3)]), leader: 4);

        act.Should().Throw<SchedulerCheckException>().WithMessage("*not one of its peers*");
    }

    private void Heartbeat(ulong store, Region region, ulong leader, (ulong Id, ulong Store)[]? pending = null)
    {
        var request = new RegionHeartbeatRequest
        {
            Region = region,
            Leader = region.Peers.FirstOrDefault(p => p.Id == leader) ?? new MetaPeer { Id = leader, StoreId = store },
        };
        foreach (var (id, storeId) in pending ?? [])
        {
            request.PendingPeers.Add(new MetaPeer { Id = id, StoreId = storeId });
        }

        _clients[store].RegionHeartbeat(request);
    }

    private static Region Region(ulong id, string start, string end, ulong confVer, ulong version, (ulong Id, ulong Store)[] peers)
    {
        var region = new Region
        {
            Id = id,
            StartKey = ByteString.CopyFromUtf8(start),
            EndKey = ByteString.CopyFromUtf8(end),
            RegionEpoch = new RegionEpoch { ConfVer = confVer, Version = version },
        };
        foreach (var (peerId, storeId) in peers)
        {
            region.Peers.Add(new MetaPeer { Id = peerId, StoreId = storeId });
        }

        return region;
    }
}
