using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Replication;

/// <summary>
/// A leader replicating and committing proposals (2AB): its own progress, what gets committed
/// and when, and how far a follower's next index moves. Ported from the original course's
/// raft tests, one method per original test.
/// </summary>
[Milestone("2AB")]
public sealed class LeaderReplicationTests
{
    // Original: TestProgressLeader2AB
    [Fact]
    public void A_leader_tracks_its_own_progress_as_it_appends_proposals()
    {
        var leader = RaftTestNodes.NewRaft(1, [1, 2], 5, 1, new MemoryStorage());
        leader.BecomeCandidate();
        leader.BecomeLeader();

        // Its log starts with the no-op entry of its term; every proposal adds one more.
        for (var i = 0; i < 5; i++)
        {
            var progress = leader.Prs[leader.Id];
            var expectedMatch = (ulong)i + 1;
            progress.Match.Should().Be(expectedMatch, "before proposal {0} the leader holds {1} entries", i + 1, expectedMatch);
            progress.Next.Should().Be(expectedMatch + 1, "before proposal {0} the leader's own next index follows its match", i + 1);

            leader.Invoking(r => r.Step(Propose(1, 1, "foo"))).Should().NotThrow("a leader accepts proposal {0}", i + 1);
        }
    }

    // Original: TestLogReplication2AB
    [Fact]
    public void Proposals_are_replicated_and_committed_on_every_node()
    {
        var cases = new (string Label, RaftNetwork Network, Message[] Messages, ulong Committed)[]
        {
            (
                "one proposal to the leader",
                new RaftNetwork(null, null, null),
                [Propose(1, 1, "somedata")],
                2),
            (
                "a proposal, a new leader, a proposal to it",
                new RaftNetwork(null, null, null),
                [Propose(1, 1, "somedata"), Hup(2), Propose(1, 2, "somedata")],
                4),
        };

        foreach (var (label, network, messages, committed) in cases)
        {
            network.Send(Hup(1));
            foreach (var message in messages)
            {
                network.Send(message);
            }

            var proposed = messages
                .Where(m => m.MsgType == MessageType.MsgPropose)
                .Select(m => m.Entries[0].Data)
                .ToList();
            foreach (var (id, peer) in network.Peers)
            {
                var node = peer.Raft!;
                node.RaftLog.Committed.Should().Be(committed, "({0}) node {1} should have committed {2} entries", label, id, committed);

                // The entries with data are the proposals, in the order they were made.
                var applied = RaftTestNodes.NextEntries(node, network.Storage(id))
                    .Where(e => !e.Data.IsEmpty)
                    .Select(e => e.Data)
                    .Take(proposed.Count);
                applied.Should().Equal(proposed, "({0}) node {1} applies the proposals in order", label, id);
            }
        }
    }

    // Original: TestSingleNodeCommit2AB
    [Fact]
    public void A_single_node_commits_its_proposals_at_once()
    {
        var network = new RaftNetwork([null]);
        network.Send(Hup(1));
        network.Send(Propose(1, 1, "some data"));
        network.Send(Propose(1, 1, "some data"));

        network.Node(1).RaftLog.Committed.Should().Be(3, "the no-op and both proposals need no one else's acknowledgement");
    }

    // Original: TestCommitWithoutNewTermEntry2AB
    [Fact]
    public void A_new_leader_commits_earlier_entries_through_its_no_op_entry()
    {
        var network = new RaftNetwork(null, null, null, null, null);
        network.Send(Hup(1));

        // The leader reaches only node 2: too few to commit its proposals.
        network.Cut(1, 3);
        network.Cut(1, 4);
        network.Cut(1, 5);
        network.Send(Propose(1, 1, "some data"));
        network.Send(Propose(1, 1, "some data"));

        var first = network.Node(1);
        first.RaftLog.Committed.Should().Be(1, "only the no-op reached a majority before the cut");

        network.Recover();

        // Node 2 has the proposals too and wins term 2; committing its own no-op commits them all.
        network.Send(Hup(2));

        first.RaftLog.Committed.Should().Be(4, "the new leader's no-op commits every entry before it");
    }

    // Original: TestCommitWithHeartbeat2AB
    [Fact]
    public void A_heartbeat_reply_from_a_lagging_follower_brings_it_up_to_date()
    {
        var network = new RaftNetwork(null, null, null, null, null);
        network.Send(Hup(1));

        network.Isolate(5);
        network.Send(Propose(1, 1, "some data"));
        network.Send(Propose(1, 1, "some data"));

        var lagging = network.Node(5);
        lagging.RaftLog.Committed.Should().Be(1, "node 5 was cut off before the proposals");

        network.Recover();

        // Node 5's heartbeat reply tells the leader it lags; the leader sends it the entries.
        network.Send(Beat(1));

        lagging.RaftLog.Committed.Should().Be(3, "the entries the leader sent after the heartbeat carry its commit index");
    }

    // Original: TestProposal2AB
    [Fact]
    public void A_proposal_is_committed_only_when_a_majority_is_alive()
    {
        var cases = new (string Label, RaftNetwork Network, bool Success)[]
        {
            ("three live nodes", new RaftNetwork(null, null, null), true),
            ("two of three live", new RaftNetwork(null, null, NetworkPeer.BlackHole), true),
            ("one of three live", new RaftNetwork(null, NetworkPeer.BlackHole, NetworkPeer.BlackHole), false),
            ("two of four live", new RaftNetwork(null, NetworkPeer.BlackHole, NetworkPeer.BlackHole, null), false),
            ("three of five live", new RaftNetwork(null, NetworkPeer.BlackHole, NetworkPeer.BlackHole, null, null), true),
        };

        foreach (var (label, network, success) in cases)
        {
            // Node 1 campaigns, then gets a proposal (lost when it could not win).
            network.Send(Hup(1));
            network.Send(Propose(1, 1, "somedata"));

            var expected = success
                ? RaftTestNodes.LogOf(
                    2,
                    new Entry { Term = 1, Index = 1 },
                    new Entry { Term = 1, Index = 2, Data = ByteString.CopyFromUtf8("somedata") })
                : RaftTestNodes.LogOf(0);
            var want = RaftTestNodes.Describe(expected);
            foreach (var (id, peer) in network.Peers)
            {
                if (peer.Raft is { } node)
                {
                    RaftTestNodes.Describe(node.RaftLog).Should().Be(
                        want,
                        "({0}) node {1} should {2}",
                        label,
                        id,
                        success ? "hold the committed proposal" : "hold nothing");
                }
            }

            network.Node(1).Term.Should().Be(1, "({0}) node 1 campaigned once", label);
        }
    }

    // Original: TestHeartbeatUpdateCommit2AB
    [Fact]
    public void A_heartbeat_never_commits_entries_a_follower_does_not_have()
    {
        var cases = new (int Failed, int Succeeded)[] { (1, 1), (5, 3), (5, 10) };

        foreach (var (failed, succeeded) in cases)
        {
            var sm1 = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
            var sm2 = RaftTestNodes.NewRaft(2, [1, 2, 3], 10, 1, new MemoryStorage());
            var sm3 = RaftTestNodes.NewRaft(3, [1, 2, 3], 10, 1, new MemoryStorage());
            var network = new RaftNetwork(sm1, sm2, sm3);
            network.Send(Hup(1));
            network.Isolate(1);

            // Proposals to the cut-off old leader land in its log but cannot commit.
            for (var i = 0; i < failed; i++)
            {
                network.Send(EmptyProposal(1, 1));
            }

            sm1.RaftLog.Committed.Should().BeLessThanOrEqualTo(1, "(case {0}/{1}) the isolated leader commits nothing new", failed, succeeded);

            // The other two elect node 2 and commit its proposals.
            network.Send(Hup(2));
            for (var i = 0; i < succeeded; i++)
            {
                network.Send(EmptyProposal(2, 2));
            }

            var committed = 2 + (ulong)succeeded; // two no-ops (one per election) and the proposals
            sm2.RaftLog.Committed.Should().Be(committed, "(case {0}/{1}) the new leader commits its proposals", failed, succeeded);
            sm3.RaftLog.Committed.Should().Be(committed, "(case {0}/{1}) node 3 learns the new leader's commit index", failed, succeeded);

            // The old leader comes back, but only heartbeats reach it: its own uncommitted
            // entries at those indexes must not count as committed.
            network.Recover();
            network.Ignore(MessageType.MsgAppend);
            network.Send(Beat(2));

            sm1.RaftLog.Committed.Should().BeLessThanOrEqualTo(1, "(case {0}/{1}) a heartbeat must not commit entries the leader has not matched", failed, succeeded);
        }
    }

    // Original: TestLeaderIncreaseNext2AB
    [Fact]
    public void A_leader_moves_a_followers_next_index_past_what_it_acknowledged()
    {
        var storage = new MemoryStorage();
        storage.Append([new Entry { Term = 1, Index = 1 }, new Entry { Term = 1, Index = 2 }, new Entry { Term = 1, Index = 3 }]);
        var leader = RaftTestNodes.NewRaft(1, [1, 2], 10, 1, storage);
        var network = new RaftNetwork(leader, null, null);
        network.Send(Hup(1));

        network.Send(Propose(1, 1, "somedata"));

        // Three earlier entries, the no-op, the proposal: the next entry for node 2 is the sixth.
        leader.Prs[2].Next.Should().Be(6, "node 2 acknowledged every entry up to the proposal");
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };

    private static Message Beat(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgBeat };

    private static Message Propose(ulong from, ulong to, string data) =>
        new()
        {
            From = from,
            To = to,
            MsgType = MessageType.MsgPropose,
            Entries = { new Entry { Data = ByteString.CopyFromUtf8(data) } },
        };

    private static Message EmptyProposal(ulong from, ulong to) =>
        new() { From = from, To = to, MsgType = MessageType.MsgPropose, Entries = { new Entry() } };
}
