using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.Replication;

/// <summary>
/// A follower's side of replication (2AB): the AppendEntries rules of the Raft paper, stale
/// appends from an old leader, and stepping down for a newer term. Ported from the original
/// course's raft tests, one method per original test.
/// </summary>
[Milestone("2AB")]
public sealed class AppendEntriesTests
{
    // Original: TestHandleMessageType_MsgAppend2AB
    [Fact]
    public void A_follower_applies_the_append_entries_rules()
    {
        // The follower holds (index 1, term 1) and (index 2, term 2), nothing committed.
        var cases = new (string Label, Message Append, ulong LastIndex, ulong Committed, bool Reject)[]
        {
            // Refused: no entry at the previous index with the previous term.
            ("previous term differs", Append(term: 3, logTerm: 3, index: 2, commit: 3), 2, 0, true),
            ("previous index missing", Append(term: 3, logTerm: 3, index: 3, commit: 3), 2, 0, true),

            // Accepted: conflicting entries are replaced, new ones appended.
            ("match at 1, no entries", Append(term: 2, logTerm: 1, index: 1, commit: 1), 2, 1, false),
            ("match at 0, entry 1 conflicts", Append(term: 2, logTerm: 0, index: 0, commit: 1, E(1, 2)), 1, 1, false),
            ("match at 2, two new entries", Append(term: 2, logTerm: 2, index: 2, commit: 3, E(3, 2), E(4, 2)), 4, 3, false),
            ("match at 2, one new entry", Append(term: 2, logTerm: 2, index: 2, commit: 4, E(3, 2)), 3, 3, false),
            ("match at 1, entry 2 already held", Append(term: 2, logTerm: 1, index: 1, commit: 4, E(2, 2)), 2, 2, false),

            // The commit index moves to min(leader's commit, last new entry).
            ("commit up to the matched entry 1", Append(term: 2, logTerm: 1, index: 1, commit: 3), 2, 1, false),
            ("commit up to the new entry 2", Append(term: 2, logTerm: 1, index: 1, commit: 3, E(2, 2)), 2, 2, false),
            ("commit up to the matched entry 2", Append(term: 2, logTerm: 2, index: 2, commit: 3), 2, 2, false),
            ("commit no further than the last entry", Append(term: 2, logTerm: 2, index: 2, commit: 4), 2, 2, false),
        };

        foreach (var (label, append, lastIndex, committed, reject) in cases)
        {
            var storage = new MemoryStorage();
            storage.Append([new Entry { Index = 1, Term = 1 }, new Entry { Index = 2, Term = 2 }]);
            var follower = RaftTestNodes.NewRaft(1, [1], 10, 1, storage);
            follower.BecomeFollower(2, RaftNode.None);

            follower.HandleAppendEntries(append);

            follower.RaftLog.LastIndex().Should().Be(lastIndex, "({0}) the log should end at {1}", label, lastIndex);
            follower.RaftLog.Committed.Should().Be(committed, "({0}) the commit index should be {1}", label, committed);
            var replies = RaftTestNodes.ReadMessages(follower);
            replies.Should().ContainSingle("({0}) the follower answers every append", label);
            replies[0].Reject.Should().Be(reject, "({0}) the append should be {1}", label, reject ? "refused" : "accepted");
        }
    }

    // Original: TestOldMessages2AB
    [Fact]
    public void An_append_from_an_old_leader_is_ignored()
    {
        var network = new RaftNetwork(null, null, null);

        // Three elections: node 1 ends as leader of term 3.
        network.Send(Hup(1));
        network.Send(Hup(2));
        network.Send(Hup(1));

        // Node 2 plays the leader of term 2 and sends an entry that must not land anywhere.
        network.Send(new Message
        {
            From = 2,
            To = 1,
            MsgType = MessageType.MsgAppend,
            Term = 2,
            Entries = { new Entry { Index = 3, Term = 2 } },
        });

        // A proposal committed in term 3 shows what every log holds afterwards.
        network.Send(new Message
        {
            From = 1,
            To = 1,
            MsgType = MessageType.MsgPropose,
            Entries = { new Entry { Data = ByteString.CopyFromUtf8("somedata") } },
        });

        var want = RaftTestNodes.Describe(RaftTestNodes.LogOf(
            4,
            new Entry { Term = 1, Index = 1 },
            new Entry { Term = 2, Index = 2 },
            new Entry { Term = 3, Index = 3 },
            new Entry { Term = 3, Index = 4, Data = ByteString.CopyFromUtf8("somedata") }));
        foreach (var (id, peer) in network.Peers)
        {
            RaftTestNodes.Describe(peer.Raft!.RaftLog).Should().Be(
                want,
                "node {0} should hold the three no-ops and the proposal, without the stale entry",
                id);
        }
    }

    // Original: TestAllServerStepdown2AB
    [Fact]
    public void Every_role_steps_down_for_a_newer_term()
    {
        var cases = new (StateType State, StateType ExpectedState, ulong ExpectedTerm, ulong ExpectedIndex)[]
        {
            (StateType.Follower, StateType.Follower, 3, 0),
            (StateType.Candidate, StateType.Follower, 3, 0),
            (StateType.Leader, StateType.Follower, 3, 1), // the leader keeps its no-op entry
        };
        const ulong newerTerm = 3;

        foreach (var (state, expectedState, expectedTerm, expectedIndex) in cases)
        {
            var node = RaftTestNodes.NewRaft(1, [1, 2, 3], 10, 1, new MemoryStorage());
            switch (state)
            {
                case StateType.Follower:
                    node.BecomeFollower(1, RaftNode.None);
                    break;
                case StateType.Candidate:
                    node.BecomeCandidate();
                    break;
                case StateType.Leader:
                    node.BecomeCandidate();
                    node.BecomeLeader();
                    break;
            }

            foreach (var type in new[] { MessageType.MsgRequestVote, MessageType.MsgAppend })
            {
                node.Step(new Message { From = 2, MsgType = type, Term = newerTerm, LogTerm = newerTerm });

                node.State.Should().Be(expectedState, "a {0} that gets a {1} of a newer term becomes a follower", state, type);
                node.Term.Should().Be(expectedTerm, "a {0} that gets a {1} of a newer term adopts that term", state, type);
                node.RaftLog.LastIndex().Should().Be(expectedIndex, "a {0} keeps its log after a {1}", state, type);
                node.RaftLog.AllEntries().Should().HaveCount((int)expectedIndex, "a {0} keeps its entries after a {1}", state, type);

                // A vote request comes from a candidate, an append from the leader.
                var lead = type == MessageType.MsgRequestVote ? RaftNode.None : 2;
                node.Lead.Should().Be(lead, "a {0} that gets a {1} knows its leader is {2}", state, type, lead);
            }
        }
    }

    private static Message Append(ulong term, ulong logTerm, ulong index, ulong commit, params Entry[] entries) =>
        new()
        {
            MsgType = MessageType.MsgAppend,
            Term = term,
            LogTerm = logTerm,
            Index = index,
            Commit = commit,
            Entries = { entries },
        };

    private static Entry E(ulong index, ulong term) => new() { Index = index, Term = term };

    private static Message Hup(ulong id) => new() { From = id, To = id, MsgType = MessageType.MsgHup };
}
