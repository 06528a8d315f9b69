using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Paper;

/// <summary>
/// Leader election as the Raft paper words it (2AA, §5.1 and §5.2): terms, the follower start,
/// heartbeats, campaigns, one vote per term, stepping down, and randomized election timeouts.
/// Each test drives a single node with Step and Tick and checks its state and the messages it
/// queues. Ported from the original course's raft paper tests, one method per original test.
/// </summary>
[Milestone("2AA")]
public sealed class PaperElectionTests
{
    /// <summary>The base election timeout, in ticks, of the nodes these tests build.</summary>
    private const int ElectionTick = 10;

    /// <summary>
    /// The most ticks any election timeout may take: it is drawn from [ElectionTick, 2·ElectionTick),
    /// so a node that has not campaigned by then never will. Bounds every tick loop.
    /// </summary>
    private const int TickLimit = 2 * ElectionTick;

    // Original: TestFollowerUpdateTermFromMessage2AA
    [Fact]
    public void A_follower_adopts_a_newer_term_from_any_message() => AdoptsNewerTerm(StateType.Follower);

    // Original: TestCandidateUpdateTermFromMessage2AA
    [Fact]
    public void A_candidate_that_sees_a_newer_term_adopts_it_and_becomes_a_follower() => AdoptsNewerTerm(StateType.Candidate);

    // Original: TestLeaderUpdateTermFromMessage2AA
    [Fact]
    public void A_leader_that_sees_a_newer_term_adopts_it_and_becomes_a_follower() => AdoptsNewerTerm(StateType.Leader);

    // Original: TestStartAsFollower2AA
    [Fact]
    public void Every_node_starts_as_a_follower()
    {
        // §5.2: servers start up as followers.
        var node = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, 1, new MemoryStorage());

        node.State.Should().Be(StateType.Follower, "a node that just started has not heard of any leader and must not campaign yet");
    }

    // Original: TestLeaderBcastBeat2AA
    [Fact]
    public void A_leader_sends_an_empty_heartbeat_to_every_follower_when_its_heartbeat_timer_fires()
    {
        // §5.2: a leader keeps its authority with heartbeats, AppendEntries that carry no entries.
        const int heartbeatTick = 1;
        var leader = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, heartbeatTick, new MemoryStorage());
        leader.BecomeCandidate();
        leader.BecomeLeader();

        // A proposal gives the log an entry the heartbeats must not carry.
        leader.Step(new Message { MsgType = MessageType.MsgPropose, Entries = { new Entry() } });
        RaftTestNodes.ReadMessages(leader);

        for (var tick = 0; tick < heartbeatTick; tick++)
        {
            leader.Tick();
        }

        var expected = new[]
        {
            new Message { From = 1, To = 2, Term = 1, MsgType = MessageType.MsgHeartbeat },
            new Message { From = 1, To = 3, Term = 1, MsgType = MessageType.MsgHeartbeat },
        };
        RaftTestNodes.ReadSortedMessages(leader).Should().Equal(
            expected,
            "after {0} tick(s) the leader sends each follower one heartbeat of its term, without entries, log position or commit index yet",
            heartbeatTick);
    }

    // Original: TestFollowerStartElection2AA
    [Fact]
    public void A_follower_that_hears_from_no_leader_starts_an_election() => StartsElection(StateType.Follower);

    // Original: TestCandidateStartNewElection2AA
    [Fact]
    public void A_candidate_without_a_majority_times_out_and_starts_a_new_election() => StartsElection(StateType.Candidate);

    // Original: TestLeaderElectionInOneRoundRPC2AA
    [Fact]
    public void One_round_of_vote_requests_wins_loses_or_leaves_the_election_open()
    {
        // §5.2: a candidate wins with the votes of a majority, else it stays a candidate and waits.
        var cases = new (string Label, int Size, (ulong Voter, bool Granted)[] Votes, StateType State)[]
        {
            // A majority of grants, its own vote included, makes a leader.
            ("group of 1, no replies", 1, [], StateType.Leader),
            ("group of 3, two grants", 3, [(2, true), (3, true)], StateType.Leader),
            ("group of 3, one grant", 3, [(2, true)], StateType.Leader),
            ("group of 5, four grants", 5, [(2, true), (3, true), (4, true), (5, true)], StateType.Leader),
            ("group of 5, three grants", 5, [(2, true), (3, true), (4, true)], StateType.Leader),
            ("group of 5, two grants", 5, [(2, true), (3, true)], StateType.Leader),

            // Without a majority it is still a candidate.
            ("group of 3, no replies", 3, [], StateType.Candidate),
            ("group of 5, one grant", 5, [(2, true)], StateType.Candidate),
            ("group of 5, two refusals", 5, [(2, false), (3, false)], StateType.Candidate),
            ("group of 5, no replies", 5, [], StateType.Candidate),
        };

        foreach (var (label, size, votes, state) in cases)
        {
            var node = RaftTestNodes.NewRaft(1, RaftTestNodes.IdsBySize(size), ElectionTick, 1, new MemoryStorage());

            node.Step(Hup(1));
            foreach (var (voter, granted) in votes)
            {
                node.Step(new Message
                {
                    From = voter,
                    To = 1,
                    Term = node.Term,
                    MsgType = MessageType.MsgRequestVoteResponse,
                    Reject = !granted,
                });
            }

            node.State.Should().Be(state, "({0}) the candidate should end the round as {1}", label, state);
            node.Term.Should().Be(1, "({0}) the one campaign runs in term 1 and no reply changes the term", label);
        }
    }

    // Original: TestFollowerVote2AA
    [Fact]
    public void A_follower_votes_for_at_most_one_candidate_per_term_first_come_first_served()
    {
        // §5.2: each server votes for at most one candidate in a term, the first that asks.
        var cases = new (ulong VotedFor, ulong Candidate, bool Reject)[]
        {
            (RaftNode.None, 1, false),
            (RaftNode.None, 2, false),
            (1, 1, false),
            (2, 2, false),
            (1, 2, true),
            (2, 1, true),
        };

        foreach (var (votedFor, candidate, reject) in cases)
        {
            var node = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, 1, new MemoryStorage());
            node.Term = 1;
            node.Vote = votedFor;

            node.Step(new Message { From = candidate, To = 1, Term = 1, MsgType = MessageType.MsgRequestVote });

            var expected = new Message
            {
                From = 1,
                To = candidate,
                Term = 1,
                MsgType = MessageType.MsgRequestVoteResponse,
                Reject = reject,
            };
            RaftTestNodes.ReadMessages(node).Should().Equal(
                new[] { expected },
                "a node that voted for {0} in this term should {1} node {2} with one vote response",
                votedFor == RaftNode.None ? "nobody" : $"node {votedFor}",
                reject ? "refuse" : "grant its vote to",
                candidate);
        }
    }

    // Original: TestCandidateFallback2AA
    [Fact]
    public void A_candidate_follows_a_leader_whose_term_is_at_least_its_own()
    {
        // §5.2: a candidate that gets AppendEntries from a leader of its term or a later one
        // accepts that leader and returns to follower state.
        var appends = new[]
        {
            new Message { From = 2, To = 1, Term = 1, MsgType = MessageType.MsgAppend },
            new Message { From = 2, To = 1, Term = 2, MsgType = MessageType.MsgAppend },
        };

        foreach (var append in appends)
        {
            var node = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, 1, new MemoryStorage());
            node.Step(Hup(1));
            node.State.Should().Be(StateType.Candidate, "a node of three that campaigns waits for votes");

            node.Step(append);

            node.State.Should().Be(
                StateType.Follower,
                "a candidate of term 1 that gets an append of term {0} should follow its sender",
                append.Term);
            node.Term.Should().Be(append.Term, "the candidate should take the leader's term {0}", append.Term);
        }
    }

    // Original: TestFollowerElectionTimeoutRandomized2AA
    [Fact]
    public void A_followers_election_timeout_is_randomized() => TimeoutIsRandomized(StateType.Follower);

    // Original: TestCandidateElectionTimeoutRandomized2AA
    [Fact]
    public void A_candidates_election_timeout_is_randomized() => TimeoutIsRandomized(StateType.Candidate);

    // Original: TestFollowersElectionTimeoutNonconflict2AA
    [Fact]
    public void Followers_rarely_time_out_at_the_same_tick() => TimeoutsRarelyCollide(StateType.Follower);

    // Original: TestCandidatesElectionTimeoutNonconflict2AA
    [Fact]
    public void Candidates_rarely_time_out_at_the_same_tick() => TimeoutsRarelyCollide(StateType.Candidate);

    /// <summary>
    /// §5.1: a server whose term is smaller than another's takes the larger term; a candidate or
    /// leader that finds its term out of date falls back to follower at once.
    /// </summary>
    private static void AdoptsNewerTerm(StateType role)
    {
        var node = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, 1, new MemoryStorage());
        BecomeRole(node, role);

        node.Step(new Message { MsgType = MessageType.MsgAppend, Term = 2 });

        node.Term.Should().Be(2, "a {0} of term 1 that gets a message of term 2 should move to term 2", role);
        node.State.Should().Be(StateType.Follower, "a {0} that sees a newer term should be a follower", role);
    }

    /// <summary>
    /// §5.2: a follower that hears nothing for an election timeout, or a candidate whose election
    /// neither won nor lost, starts a new election: next term, a vote for itself, and a
    /// RequestVote to every other server.
    /// </summary>
    private static void StartsElection(StateType role)
    {
        var node = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, 1, new MemoryStorage());
        BecomeRole(node, role);

        // 2·ElectionTick - 1 ticks: past any timeout of term 1, too early for a second one in term 2.
        for (var tick = 1; tick < 2 * ElectionTick; tick++)
        {
            node.Tick();
        }

        node.Term.Should().Be(2, "a {0} of term 1 that times out campaigns in term 2", role);
        node.State.Should().Be(StateType.Candidate, "a {0} that times out becomes a candidate", role);
        node.Votes.GetValueOrDefault(node.Id).Should().BeTrue("a {0} that campaigns votes for itself", role);
        var expected = new[]
        {
            new Message { From = 1, To = 2, Term = 2, MsgType = MessageType.MsgRequestVote },
            new Message { From = 1, To = 3, Term = 2, MsgType = MessageType.MsgRequestVote },
        };
        RaftTestNodes.ReadSortedMessages(node).Should().Equal(
            expected,
            "a {0} that campaigns asks each other server for its vote in the new term (its log is empty)",
            role);
    }

    /// <summary>
    /// §5.2: election timeouts are drawn at random from [ElectionTick, 2·ElectionTick), so over
    /// many resets every length in that range shows up.
    /// </summary>
    private static void TimeoutIsRandomized(StateType role)
    {
        var node = RaftTestNodes.NewRaft(1, [1, 2, 3], ElectionTick, 1, new MemoryStorage());
        var seen = new HashSet<int>();
        for (var round = 0; round < 50 * ElectionTick; round++)
        {
            BecomeRole(node, role, lead: 2);
            seen.Add(TicksUntilCampaign(node, role, round));
        }

        for (var ticks = ElectionTick + 1; ticks < 2 * ElectionTick; ticks++)
        {
            seen.Should().Contain(
                ticks,
                "over {0} resets a {1}'s election timeout should take every length in [{2}, {3}) ticks at least once",
                50 * ElectionTick,
                role,
                ElectionTick,
                2 * ElectionTick);
        }
    }

    /// <summary>
    /// §5.2: with randomized timeouts, usually a single server times out first and wins before
    /// the others campaign, which makes split votes rare.
    /// </summary>
    private static void TimeoutsRarelyCollide(StateType role)
    {
        const int rounds = 1000;
        var ids = RaftTestNodes.IdsBySize(5);
        var nodes = ids.Select(id => RaftTestNodes.NewRaft(id, ids, ElectionTick, 1, new MemoryStorage())).ToList();

        var conflicts = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var node in nodes)
            {
                BecomeRole(node, role, lead: RaftNode.None);
            }

            // Tick all five in lockstep until at least one campaigns; count how many did at that tick.
            var timedOut = 0;
            for (var tick = 0; timedOut == 0; tick++)
            {
                tick.Should().BeLessThan(
                    TickLimit,
                    "(round {0}) some {1} should campaign within {2} ticks of its timer's reset",
                    round,
                    role,
                    TickLimit);
                foreach (var node in nodes)
                {
                    node.Tick();
                    if (RaftTestNodes.ReadMessages(node).Count > 0)
                    {
                        timedOut++;
                    }
                }
            }

            if (timedOut > 1)
            {
                conflicts++;
            }
        }

        var rate = (double)conflicts / rounds;
        rate.Should().BeLessThanOrEqualTo(
            0.3,
            "with randomized timeouts, several of five {0}s should time out at the same tick in at most 30% of {1} rounds, but {2} rounds collided",
            role,
            rounds,
            conflicts);
    }

    /// <summary>Ticks until the node sends something (its vote requests); returns how many ticks that took.</summary>
    private static int TicksUntilCampaign(RaftNode node, StateType role, int round)
    {
        var ticks = 0;
        while (RaftTestNodes.ReadMessages(node).Count == 0)
        {
            ticks.Should().BeLessThan(
                TickLimit,
                "(round {0}) a {1} should campaign within {2} ticks of its timer's reset",
                round,
                role,
                TickLimit);
            node.Tick();
            ticks++;
        }

        return ticks;
    }

    /// <summary>
    /// Moves a node into <paramref name="role"/> in its next term: a follower of
    /// <paramref name="lead"/>, a candidate, or a leader (a candidate that then wins).
    /// </summary>
    private static void BecomeRole(RaftNode node, StateType role, ulong lead = 2)
    {
        switch (role)
        {
            case StateType.Follower:
                node.BecomeFollower(node.Term + 1, lead);
                break;
            case StateType.Candidate:
                node.BecomeCandidate();
                break;
            case StateType.Leader:
                node.BecomeCandidate();
                node.BecomeLeader();
                break;
        }
    }

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };
}
