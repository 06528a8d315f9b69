using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using Xunit;

namespace TinyKv.Raft.Tests.Storage;

/// <summary>
/// The contract of the given <see cref="MemoryStorage"/>: index arithmetic around the dummy
/// entry, compaction, snapshots and appends. Not graded (students do not write this code);
/// ported from the original course's storage tests, one method per original test.
/// </summary>
public sealed class MemoryStorageTests
{
    // Original: TestStorageTerm
    [Fact]
    public void Term_answers_from_the_dummy_entry_to_the_last_entry()
    {
        // Every test storage here holds the dummy (3, 3), then the entries 4 and 5.
        var storage = ThreeToFive();

        storage.Invoking(s => s.Term(2)).Should().Throw<CompactedException>("index 2 lies before the dummy entry at 3");
        storage.Term(3).Should().Be(3, "the dummy entry remembers the term of the last compacted entry");
        storage.Term(4).Should().Be(4, "entry 4 is of term 4");
        storage.Term(5).Should().Be(5, "entry 5 is of term 5");
        storage.Invoking(s => s.Term(6)).Should().Throw<UnavailableException>("index 6 lies after the last entry");
    }

    // Original: TestStorageEntries
    [Fact]
    public void Entries_returns_the_half_open_range_after_the_dummy_entry()
    {
        var storage = MemoryStorage.WithEntries([E(3, 3), E(4, 4), E(5, 5), E(6, 6)]);

        storage.Invoking(s => s.Entries(2, 6)).Should().Throw<CompactedException>("index 2 was compacted");
        storage.Invoking(s => s.Entries(3, 4)).Should().Throw<CompactedException>("index 3 is the dummy entry, not a readable one");
        Describe(storage.Entries(4, 5)).Should().Equal(["4/4"], "[4, 5) is entry 4");
        Describe(storage.Entries(4, 6)).Should().Equal(["4/4", "5/5"], "[4, 6) is entries 4 and 5");
        Describe(storage.Entries(4, 7)).Should().Equal(["4/4", "5/5", "6/6"], "[4, 7) runs to the last entry");
        storage.Invoking(s => s.Entries(4, 8)).Should().Throw<ArgumentOutOfRangeException>("[4, 8) reaches past the last entry, 6");
    }

    // Original: TestStorageLastIndex
    [Fact]
    public void The_last_index_moves_with_an_append()
    {
        var storage = ThreeToFive();
        storage.LastIndex().Should().Be(5, "entry 5 is the last one");

        storage.Append([E(6, 5)]);

        storage.LastIndex().Should().Be(6, "entry 6 was appended");
    }

    // Original: TestStorageFirstIndex
    [Fact]
    public void The_first_index_follows_the_dummy_entry_and_moves_with_compaction()
    {
        var storage = ThreeToFive();
        storage.FirstIndex().Should().Be(4, "the first readable entry follows the dummy entry at 3");

        storage.Compact(4);

        storage.FirstIndex().Should().Be(5, "compacting to 4 makes entry 4 the dummy entry");
    }

    // Original: TestStorageCompact
    [Fact]
    public void Compact_turns_the_entry_at_the_index_into_the_dummy_entry()
    {
        var cases = new (ulong CompactIndex, bool Compacted, ulong DummyIndex, ulong DummyTerm, int Readable)[]
        {
            (2, true, 3, 3, 2),
            (3, true, 3, 3, 2),
            (4, false, 4, 4, 1),
            (5, false, 5, 5, 0),
        };

        foreach (var (compactIndex, compacted, dummyIndex, dummyTerm, readable) in cases)
        {
            var storage = ThreeToFive();

            var compact = () => storage.Compact(compactIndex);

            if (compacted)
            {
                compact.Should().Throw<CompactedException>("everything up to {0} is compacted already", compactIndex);
            }
            else
            {
                compact.Should().NotThrow("entry {0} can become the dummy entry", compactIndex);
            }

            storage.FirstIndex().Should().Be(dummyIndex + 1, "(compact to {0}) the dummy entry should be at {1}", compactIndex, dummyIndex);
            storage.Term(dummyIndex).Should().Be(dummyTerm, "(compact to {0}) the dummy entry keeps the term of the entry it replaced", compactIndex);
            storage.LastIndex().Should().Be(5, "(compact to {0}) compaction never drops the last entry", compactIndex);
            (storage.LastIndex() + 1 - storage.FirstIndex()).Should().Be((ulong)readable, "(compact to {0}) {1} entries stay readable", compactIndex, readable);
        }
    }

    [Fact]
    public void Compact_beyond_the_last_entry_is_refused()
    {
        var storage = ThreeToFive();

        storage.Invoking(s => s.Compact(6)).Should().Throw<ArgumentOutOfRangeException>("there is no entry 6 to compact to");
        storage.FirstIndex().Should().Be(4, "a refused compaction changes nothing");
    }

    // Original: TestStorageCreateSnapshot
    [Fact]
    public void CreateSnapshot_records_the_index_term_members_and_data()
    {
        var members = new ConfState { Nodes = { 1, 2, 3 } };
        var data = "data"u8.ToArray();

        foreach (var index in new ulong[] { 4, 5 })
        {
            var storage = ThreeToFive();

            var snapshot = storage.CreateSnapshot(index, members, data);

            var expected = new Snapshot
            {
                Data = ByteString.CopyFrom(data),
                Metadata = new SnapshotMetadata { Index = index, Term = index, ConfState = members.Clone() },
            };
            snapshot.Should().Be(expected, "a snapshot at {0} has entry {0}'s index and term, the members and the data", index);
            storage.Snapshot().Should().Be(expected, "the storage keeps the snapshot it created at {0}", index);
        }
    }

    [Fact]
    public void CreateSnapshot_refuses_an_index_that_is_not_newer_or_not_in_the_log()
    {
        var storage = ThreeToFive();
        storage.CreateSnapshot(4, null, null);

        storage.Invoking(s => s.CreateSnapshot(4, null, null)).Should().Throw<SnapshotOutOfDateException>("the storage already has a snapshot at 4");
        storage.Invoking(s => s.CreateSnapshot(3, null, null)).Should().Throw<SnapshotOutOfDateException>("a snapshot at 3 is older than the one at 4");
        storage.Invoking(s => s.CreateSnapshot(6, null, null)).Should().Throw<ArgumentOutOfRangeException>("there is no entry 6 to snapshot");
        storage.Snapshot().Metadata.Index.Should().Be(4, "refused snapshots leave the one at 4 in place");
    }

    // Original: TestStorageAppend
    [Fact]
    public void Append_skips_compacted_entries_and_replaces_conflicting_ones()
    {
        var cases = new (string Label, Entry[] Appended, string[] Contents)[]
        {
            ("entries that are all compacted", [E(1, 1), E(2, 2)], ["3/3", "4/4", "5/5"]),
            ("the same entries again", [E(3, 3), E(4, 4), E(5, 5)], ["3/3", "4/4", "5/5"]),
            ("entries 4 and 5 of a newer term", [E(3, 3), E(4, 6), E(5, 6)], ["3/3", "4/6", "5/6"]),
            ("the same entries and one more", [E(3, 3), E(4, 4), E(5, 5), E(6, 5)], ["3/3", "4/4", "5/5", "6/5"]),
            ("entries from before the dummy entry, then a conflict at 4", [E(2, 3), E(3, 3), E(4, 5)], ["3/3", "4/5"]),
            ("a conflict at 4 alone", [E(4, 5)], ["3/3", "4/5"]),
            ("the next entry", [E(6, 5)], ["3/3", "4/4", "5/5", "6/5"]),
        };

        foreach (var (label, appended, contents) in cases)
        {
            var storage = ThreeToFive();

            storage.Append(appended);

            Contents(storage).Should().Equal(contents, "appending {0} should leave the dummy entry and entries {1}", label, string.Join(", ", contents));
        }
    }

    [Fact]
    public void Append_refuses_a_gap_after_the_last_entry()
    {
        var storage = ThreeToFive();

        storage.Invoking(s => s.Append([E(7, 5)])).Should().Throw<InvalidOperationException>("entry 6 is missing between the log and entry 7");
        Contents(storage).Should().Equal(["3/3", "4/4", "5/5"], "a refused append changes nothing");
    }

    // Original: TestStorageApplySnapshot
    [Fact]
    public void ApplySnapshot_replaces_the_log_and_refuses_an_older_snapshot()
    {
        var members = new ConfState { Nodes = { 1, 2, 3 } };
        var data = ByteString.CopyFromUtf8("data");
        var storage = new MemoryStorage();
        storage.Append([E(1, 1), E(2, 1)]);

        var atFour = new Snapshot { Data = data, Metadata = new SnapshotMetadata { Index = 4, Term = 4, ConfState = members } };
        storage.Invoking(s => s.ApplySnapshot(atFour)).Should().NotThrow("the storage has no snapshot yet");

        Contents(storage).Should().Equal(["4/4"], "the snapshot's index and term become the dummy entry and every entry goes");
        storage.Snapshot().Should().Be(atFour, "the storage keeps the snapshot it applied");
        storage.InitialState().ConfState.Nodes.Should().Equal([1UL, 2UL, 3UL], "the members come from the snapshot now");

        var atThree = new Snapshot { Data = data, Metadata = new SnapshotMetadata { Index = 3, Term = 3, ConfState = members } };
        storage.Invoking(s => s.ApplySnapshot(atThree)).Should().Throw<SnapshotOutOfDateException>("a snapshot at 3 is older than the one at 4");
        storage.Snapshot().Metadata.Index.Should().Be(4, "the refused snapshot leaves the one at 4 in place");
    }

    [Fact]
    public void The_hard_state_is_kept_as_a_copy()
    {
        var storage = new MemoryStorage();
        var hardState = new HardState { Term = 3, Vote = 2, Commit = 1 };

        storage.SetHardState(hardState);
        hardState.Term = 9;

        storage.InitialState().HardState.Should().Be(
            new HardState { Term = 3, Vote = 2, Commit = 1 },
            "the storage returns the hard state it was given, unaffected by later changes to the caller's object");
    }

    /// <summary>A storage whose dummy entry is (3, 3), followed by entries 4 and 5 of terms 4 and 5.</summary>
    private static MemoryStorage ThreeToFive() => MemoryStorage.WithEntries([E(3, 3), E(4, 4), E(5, 5)]);

    private static Entry E(ulong index, ulong term) => new() { Index = index, Term = term };

    private static List<string> Describe(IEnumerable<Entry> entries) => [.. entries.Select(e => $"{e.Index}/{e.Term}")];

    /// <summary>The dummy entry and every readable entry, as "index/term".</summary>
    private static List<string> Contents(MemoryStorage storage)
    {
        var dummy = storage.FirstIndex() - 1;
        return [$"{dummy}/{storage.Term(dummy)}", .. Describe(storage.Entries(storage.FirstIndex(), storage.LastIndex() + 1))];
    }
}
