using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Membership;

/// <summary>
/// Configuration changes through the RawNode (3A): a proposed change lands in the log as a
/// conf-change entry, and applying a duplicate change does not block the next one. Ported from
/// the original course's rawnode tests, one method per original test.
/// </summary>
[Milestone("3A")]
public sealed class RawNodeConfChangeTests
{
    /// <summary>Enough Ready rounds for a single node to report that it leads.</summary>
    private const int RoundLimit = 10;

    // Original: TestRawNodeProposeAndConfChange3A
    [Fact]
    public void A_proposal_and_a_conf_change_land_in_the_log_in_order()
    {
        var storage = new MemoryStorage();
        var rawNode = new RawNode(RaftTestNodes.Config(1, [1], 10, 1, storage));
        var ready = rawNode.Ready();
        storage.Append(ready.Entries);
        rawNode.Advance(ready);

        ready = rawNode.Ready();
        ready.HardState.Should().BeNull("before the campaign there is no new term, vote or commit to persist");
        ready.Entries.Should().BeEmpty("before the campaign there is no entry to persist");

        rawNode.Campaign();
        ready = rawNode.Ready();
        ready.SoftState.Should().NotBeNull("the campaign changed the node's role");
        ready.SoftState!.Lead.Should().Be(1, "a group of one elects itself");

        var change = new ConfChange { ChangeType = ConfChangeType.AddNode, NodeId = 1 };
        rawNode.Propose("somedata"u8.ToArray());
        rawNode.ProposeConfChange(change);

        var entries = rawNode.Raft.RaftLog.AllEntries();
        entries.Should().HaveCountGreaterThanOrEqualTo(2, "the proposal and the conf change are both in the log");
        var proposal = entries[^2];
        var confChange = entries[^1];
        proposal.Data.ToStringUtf8().Should().Be("somedata", "the next to last entry is the normal proposal");
        confChange.EntryType.Should().Be(EntryType.EntryConfChange, "a proposed conf change is logged as a conf-change entry");
        confChange.Data.Should().Equal(change.ToByteString(), "the conf-change entry carries the serialized ConfChange");
    }

    // Original: TestRawNodeProposeAddDuplicateNode3A
    [Fact]
    public void Adding_the_same_node_twice_does_not_block_adding_another()
    {
        var storage = new MemoryStorage();
        var rawNode = new RawNode(RaftTestNodes.Config(1, [1], 10, 1, storage));
        var ready = rawNode.Ready();
        storage.Append(ready.Entries);
        rawNode.Advance(ready);

        rawNode.Campaign();
        var leads = false;
        for (var round = 0; round < RoundLimit && !leads; round++)
        {
            ready = rawNode.Ready();
            storage.Append(ready.Entries);
            leads = ready.SoftState?.Lead == rawNode.Raft.Id;
            rawNode.Advance(ready);
        }

        leads.Should().BeTrue("a group of one reports itself as leader within {0} Ready rounds", RoundLimit);

        // Proposes a change and plays the application for one round: persist, apply, advance.
        ConfState? members = null;
        void ProposeAndApply(ConfChange change)
        {
            rawNode.ProposeConfChange(change);
            var round = rawNode.Ready();
            storage.Append(round.Entries);
            foreach (var entry in round.CommittedEntries.Where(e => e.EntryType == EntryType.EntryConfChange))
            {
                members = rawNode.ApplyConfChange(ConfChange.Parser.ParseFrom(entry.Data));
            }

            rawNode.Advance(round);
        }

        var addSelf = new ConfChange { ChangeType = ConfChangeType.AddNode, NodeId = 1 };
        var addTwo = new ConfChange { ChangeType = ConfChangeType.AddNode, NodeId = 2 };
        ProposeAndApply(addSelf);

        // Node 1 is already a member; once that change is applied, nothing is pending.
        ProposeAndApply(addSelf);

        ProposeAndApply(addTwo);

        var lastIndex = storage.LastIndex();
        var logged = storage.Entries(lastIndex - 2, lastIndex + 1);
        logged.Should().HaveCount(3, "the last three entries are the three conf changes");
        logged[0].Data.Should().Equal(addSelf.ToByteString(), "the first change adds node 1");
        logged[1].Data.Should().Equal(addSelf.ToByteString(), "the duplicate change is logged like any other");
        logged[2].Data.Should().Equal(addTwo.ToByteString(), "the change after the duplicate must be accepted, not dropped as pending");
        members.Should().NotBeNull("every change was committed and applied");
        members!.Nodes.Should().Equal([1UL, 2UL], "adding node 1 twice keeps one copy of it, and node 2 joined");
    }
}
