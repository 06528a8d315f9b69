using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Raft;
using TinyKv.RaftStore.Meta;
using TinyKv.RaftStore.Snap;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>
/// The peer storage over the two engines, as the original course tests it: terms and entries
/// around the truncated index, appending over a conflicting tail, clearing every meta key.
/// Graded with 2B: they reach <c>Append</c>, a 2B slot.
/// </summary>
[Milestone("2B")]
public sealed class PeerStorageTests
{
    [Theory]
    [InlineData(2UL, null)]
    [InlineData(3UL, 3UL)]
    [InlineData(4UL, 4UL)]
    [InlineData(5UL, 5UL)]
    public void Term_answers_from_the_truncated_state_and_the_log_and_refuses_compacted_indexes(ulong index, ulong? term)
    {
        var storage = StorageWith(Entries((3, 3), (4, 4), (5, 5)));

        if (term is null)
        {
            storage.Invoking(s => s.Term(index)).Should().Throw<CompactedException>();
        }
        else
        {
            storage.Term(index).Should().Be(term.Value);
        }
    }

    [Theory]
    [InlineData(2UL, 6UL, false, new ulong[0])]
    [InlineData(3UL, 4UL, false, new ulong[0])]
    [InlineData(4UL, 5UL, true, new ulong[] { 4 })]
    [InlineData(4UL, 6UL, true, new ulong[] { 4, 5 })]
    [InlineData(4UL, 7UL, true, new ulong[] { 4, 5, 6 })]
    public void Entries_reads_the_log_between_the_truncated_index_and_the_last(ulong low, ulong high, bool available, ulong[] indexes)
    {
        var storage = StorageWith(Entries((3, 3), (4, 4), (5, 5), (6, 6)));

        if (!available)
        {
            storage.Invoking(s => s.Entries(low, high)).Should().Throw<CompactedException>();
            return;
        }

        storage.Entries(low, high).Select(e => (e.Index, e.Term)).Should().Equal(indexes.Select(i => (i, i)));
    }

    // Entries as "index:term" pairs, so each case is listed (and graded) on its own.
    [Theory]
    [InlineData("3:3 4:4 5:5", "4:4 5:5")]
    [InlineData("3:3 4:6 5:6", "4:6 5:6")]
    [InlineData("3:3 4:4 5:5 6:5", "4:4 5:5 6:5")]
    [InlineData("2:3 3:3 4:5", "4:5")]
    [InlineData("4:5", "4:5")]
    [InlineData("6:5", "4:4 5:5 6:5")]
    public void Append_overwrites_a_conflicting_tail_and_skips_compacted_entries(string appendedPairs, string expectedPairs)
    {
        var appended = Pairs(appendedPairs);
        var expected = Pairs(expectedPairs);
        var storage = StorageWith(Entries((3, 3), (4, 4), (5, 5)));

        AppendAndPersist(storage, Entries(appended));

        storage.LastIndex().Should().Be(expected[^1].Item1);
        storage.Entries(4, storage.LastIndex() + 1).Select(e => (e.Index, e.Term)).Should().Equal(expected);
        MetaStore.RaftState(storage.Engines.Raft, storage.Region.Id)!.LastIndex.Should().Be(expected[^1].Item1, "the raft state is persisted with the entries");
        for (var index = expected[^1].Item1 + 1; index <= 6; index++)
        {
            MetaStore.RaftEntry(storage.Engines.Raft, storage.Region.Id, index).Should().BeNull($"entry {index} was overwritten away");
        }
    }

    [Fact]
    public void ClearMeta_removes_the_raft_log_and_states_of_the_region()
    {
        var storage = StorageWith(Entries((3, 3), (4, 4)));
        AppendAndPersist(storage, Entries((5, 5), (6, 6)));
        CountRegionKeys(storage).Should().Be(6, "raft state, apply state, region state and three entries");

        var kv = new WriteBatch();
        var raft = new WriteBatch();
        storage.ClearMeta(kv, raft);
        storage.Engines.Kv.Write(kv, sync: true);
        storage.Engines.Raft.Write(raft, sync: true);

        CountRegionKeys(storage).Should().Be(1, "only the region state stays (it marks the peer's fate)");
    }

    [Fact]
    public void A_restarted_storage_finds_the_states_it_persisted()
    {
        var storage = StorageWith(Entries((3, 3), (4, 4)));
        AppendAndPersist(storage, Entries((5, 5)));

        var reopened = new PeerStorage(storage.Engines, storage.Region, new SnapshotFiles(), NoSnapshotWorker.Instance, "reopened");

        reopened.LastIndex().Should().Be(5);
        reopened.FirstIndex().Should().Be(4);
        reopened.Term(5).Should().Be(5);
        reopened.InitialState().ConfState.Nodes.Should().Equal(1UL);
    }

    private static (ulong, ulong)[] Pairs(string text) =>
        [.. text.Split(' ').Select(pair => pair.Split(':')).Select(p => (ulong.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];

    private static PeerStorage StorageWith(IReadOnlyList<Entry> entries)
    {
        var engines = new Engines(new MemoryEngine(), new MemoryEngine());
        Bootstrap.BootstrapStore(engines, 1, 1);
        var region = new Region { Id = 1, RegionEpoch = new RegionEpoch { Version = 1, ConfVer = 1 } };
        region.Peers.Add(new Proto.Metapb.Peer { Id = 1, StoreId = 1 });
        Bootstrap.PrepareBootstrapCluster(engines, region);
        var storage = new PeerStorage(engines, region, new SnapshotFiles(), NoSnapshotWorker.Instance, "test")
        {
            RaftState = new RaftLocalState { HardState = new HardState() },
            ApplyState = new RaftApplyState
            {
                TruncatedState = new RaftTruncatedState { Index = entries[0].Index, Term = entries[0].Term },
                AppliedIndex = entries[^1].Index,
            },
        };
        AppendAndPersist(storage, entries.Skip(1).ToList());
        engines.Kv.Write(new WriteBatch().PutMessage(Keys.ApplyStateKey(region.Id), storage.ApplyState), sync: true);
        return storage;
    }

    private static void AppendAndPersist(PeerStorage storage, IReadOnlyList<Entry> entries)
    {
        var batch = new WriteBatch();
        storage.Append(entries, batch);
        batch.PutMessage(Keys.RaftStateKey(storage.Region.Id), storage.RaftState);
        storage.Engines.Raft.Write(batch, sync: true);
    }

    private static List<Entry> Entries(params (ulong Index, ulong Term)[] entries) =>
        [.. entries.Select(e => new Entry { Index = e.Index, Term = e.Term, Data = ByteString.CopyFrom(0) })];

    private static int CountRegionKeys(PeerStorage storage)
    {
        var count = 0;
        foreach (var engine in new[] { storage.Engines.Kv, storage.Engines.Raft })
        {
            using var snapshot = engine.GetSnapshot();
            using var iterator = snapshot.NewIterator(ColumnFamily.Default);
            for (iterator.Seek(Keys.RaftStateKey(0)); iterator.Valid; iterator.Next())
            {
                if (iterator.Key[0] != Keys.LocalPrefix || iterator.Key.Length < 10)
                {
                    break;
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>The worker of a storage whose tests generate no snapshot: it refuses any work.</summary>
    private sealed class NoSnapshotWorker : IScheduler
    {
        public static NoSnapshotWorker Instance { get; } = new();

        public long Now => 0;

        public ITimerHandle Schedule(long delayMicros, Action action) =>
            throw new InvalidOperationException("these tests generate no snapshot");

        public void Post(Action action) =>
            throw new InvalidOperationException("these tests generate no snapshot");
    }
}
