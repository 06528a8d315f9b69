using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.RaftStore.Meta;
using TinyKv.RaftStore.Snap;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>
/// Snapshot files: every pair of the region in every column family goes in, nothing outside the
/// region or of the store's bookkeeping does, and a damaged or truncated file is refused.
/// </summary>
public sealed class SnapshotDataTests
{
    [Fact]
    public void A_snapshot_of_a_region_carries_its_pairs_of_every_column_family_and_nothing_else()
    {
        var source = new MemoryEngine();
        source.Write(new WriteBatch()
            .Put(ColumnFamily.Default, Keys.StoreIdentKey, [1])
            .Put(ColumnFamily.Default, "a"u8.ToArray(), "before the region"u8.ToArray())
            .Put(ColumnFamily.Default, "b1"u8.ToArray(), "v1"u8.ToArray())
            .Put(ColumnFamily.Lock, "b2"u8.ToArray(), "lock"u8.ToArray())
            .Put(ColumnFamily.Write, "b3"u8.ToArray(), "write"u8.ToArray())
            .Put(ColumnFamily.Default, "c"u8.ToArray(), "at the end key"u8.ToArray()));
        var region = new Region { Id = 7, StartKey = ByteString.CopyFromUtf8("b"), EndKey = ByteString.CopyFromUtf8("c") };

        using var view = source.GetSnapshot();
        var (data, meta) = SnapshotData.Build(view, region);
        var target = new MemoryEngine();
        var batch = new WriteBatch();
        SnapshotData.WriteTo(batch, data, meta);
        target.Write(batch);

        meta.CfFiles.Select(f => f.Cf).Should().Equal(ColumnFamily.All);
        Pairs(target).Should().Equal(
            (ColumnFamily.Default, "b1", "v1"),
            (ColumnFamily.Lock, "b2", "lock"),
            (ColumnFamily.Write, "b3", "write"));
    }

    [Fact]
    public void A_damaged_or_truncated_file_is_refused()
    {
        var source = new MemoryEngine();
        source.Write(new WriteBatch().Put(ColumnFamily.Default, "k"u8.ToArray(), "value"u8.ToArray()));
        using var view = source.GetSnapshot();
        var (data, meta) = SnapshotData.Build(view, new Region { Id = 1 });

        var damaged = (byte[])data.Clone();
        damaged[^1] ^= 0xFF;
        var act = () => SnapshotData.WriteTo(new WriteBatch(), damaged, meta);
        act.Should().Throw<InvalidDataException>().WithMessage("*damaged*");

        var truncated = data[..^2];
        act = () => SnapshotData.WriteTo(new WriteBatch(), truncated, meta);
        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void Deleting_a_region_range_leaves_other_keys_and_the_bookkeeping()
    {
        var engine = new MemoryEngine();
        engine.Write(new WriteBatch()
            .Put(ColumnFamily.Default, Keys.StoreIdentKey, [1])
            .Put(ColumnFamily.Default, "a"u8.ToArray(), "x"u8.ToArray())
            .Put(ColumnFamily.Write, "b"u8.ToArray(), "y"u8.ToArray())
            .Put(ColumnFamily.Default, "c"u8.ToArray(), "z"u8.ToArray()));
        var batch = new WriteBatch();

        SnapshotData.DeleteRange(engine, new Region { Id = 1, StartKey = ByteString.CopyFromUtf8("b"), EndKey = ByteString.CopyFromUtf8("c") }, batch);
        engine.Write(batch);

        engine.Get(ColumnFamily.Write, "b"u8).Should().BeNull();
        engine.Get(ColumnFamily.Default, "a"u8).Should().NotBeNull();
        engine.Get(ColumnFamily.Default, "c"u8).Should().NotBeNull();
        engine.Get(ColumnFamily.Default, Keys.StoreIdentKey).Should().NotBeNull();
    }

    private static List<(string Cf, string Key, string Value)> Pairs(MemoryEngine engine)
    {
        var pairs = new List<(string, string, string)>();
        using var view = engine.GetSnapshot();
        foreach (var cf in ColumnFamily.All)
        {
            using var iterator = view.NewIterator(cf);
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                pairs.Add((cf, System.Text.Encoding.UTF8.GetString(iterator.Key), System.Text.Encoding.UTF8.GetString(iterator.Value)));
            }
        }

        return pairs;
    }
}
