using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft.Testing;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Raft.Tests.RawNodes;

/// <summary>
/// The RawNode's Ready cycle: a new node that commits a proposal (2AC), and nodes restarted from
/// what their storage remembers (2AC, and 2C for a storage that starts with a snapshot).
/// Ported from the original course's rawnode tests, one method per original test.
/// </summary>
public sealed class RawNodeTests
{
    // Original: TestRawNodeStart2AC
    [Fact]
    [Milestone("2AC")]
    public void A_new_node_accepts_and_commits_a_proposal()
    {
        var storage = new MemoryStorage();
        var rawNode = new RawNode(RaftTestNodes.Config(1, [1], 10, 1, storage));
        rawNode.Campaign();
        var ready = rawNode.Ready();
        storage.Append(ready.Entries);
        rawNode.Advance(ready);

        rawNode.Propose("foo"u8.ToArray());
        ready = rawNode.Ready();

        // A group of one commits the proposal as soon as it is appended.
        ready.Entries.Should().ContainSingle("the proposal is the one new entry to persist");
        ready.CommittedEntries.Should().ContainSingle("the proposal is the one new entry to apply");
        ready.Entries[0].Data.Should().Equal("foo"u8.ToArray(), "the entry to persist carries the proposal");
        ready.CommittedEntries[0].Data.Should().Equal("foo"u8.ToArray(), "the entry to apply carries the proposal");
        storage.Append(ready.Entries);
        rawNode.Advance(ready);

        rawNode.HasReady().Should().BeFalse("everything was persisted and applied");
    }

    // Original: TestRawNodeRestart2AC
    [Fact]
    [Milestone("2AC")]
    public void A_restarted_node_hands_out_only_what_is_committed_and_not_applied()
    {
        Entry[] entries =
        [
            new Entry { Term = 1, Index = 1 },
            new Entry { Term = 1, Index = 2, Data = ByteString.CopyFromUtf8("foo") },
        ];
        var storage = new MemoryStorage();
        storage.SetHardState(new HardState { Term = 1, Commit = 1 });
        storage.Append(entries);

        // No peers in the configuration: a restarted node learns them from its storage.
        var rawNode = new RawNode(RaftTestNodes.Config(1, [], 10, 1, storage));

        var ready = rawNode.Ready();
        ShouldOnlyApply(ready, entries[..1], "the hard state says entry 1 is committed, and the storage holds everything");
        rawNode.Advance(ready);

        rawNode.HasReady().Should().BeFalse("the committed entry was applied and nothing else changed");
    }

    // Original: TestRawNodeRestartFromSnapshot2C
    [Fact]
    [Milestone("2C")]
    public void A_node_restarted_from_a_snapshot_hands_out_only_the_entries_after_it()
    {
        var snapshot = new Snapshot
        {
            Metadata = new SnapshotMetadata
            {
                ConfState = new ConfState { Nodes = { 1, 2 } },
                Index = 2,
                Term = 1,
            },
        };
        Entry[] entries = [new Entry { Term = 1, Index = 3, Data = ByteString.CopyFromUtf8("foo") }];
        var storage = new MemoryStorage();
        storage.SetHardState(new HardState { Term = 1, Commit = 3 });
        storage.ApplySnapshot(snapshot);
        storage.Append(entries);

        var rawNode = new RawNode(RaftTestNodes.Config(1, [], 10, 1, storage));

        var ready = rawNode.Ready();
        ShouldOnlyApply(ready, entries, "the snapshot covers indexes 1 and 2, and entry 3 is committed");
        rawNode.Advance(ready);

        rawNode.HasReady().Should().BeFalse("the committed entry was applied and nothing else changed");
    }

    /// <summary>Checks that a Ready asks for nothing but applying <paramref name="committed"/>.</summary>
    private static void ShouldOnlyApply(Ready ready, IReadOnlyList<Entry> committed, string because)
    {
        ready.SoftState.Should().BeNull("the role and the leader did not change since the start ({0})", because);
        ready.HardState.Should().BeNull("the hard state is the one the storage holds ({0})", because);
        ready.Entries.Should().BeEmpty("every entry is already in the storage ({0})", because);
        ready.Snapshot.Should().BeNull("no snapshot came from a leader ({0})", because);
        ready.CommittedEntries.Should().Equal(committed, "those entries are committed but not applied ({0})", because);
        ready.Messages.Should().BeEmpty("a restarted node has nothing to say yet ({0})", because);
    }
}
