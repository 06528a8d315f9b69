using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

/// <summary>
/// The column-family engine contract, held against every engine: the in-memory one of
/// simulations and the RocksDB one of real servers pass the same tests.
/// </summary>
public abstract class EngineContractTests : IDisposable
{
    private readonly Lazy<IKvEngine> _engine;

    protected EngineContractTests() => _engine = new Lazy<IKvEngine>(CreateEngine);

    protected IKvEngine Engine => _engine.Value;

    public virtual void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract IKvEngine CreateEngine();

    [Fact]
    public void Get_of_an_absent_key_is_null() => Engine.Get(ColumnFamily.Default, [1]).Should().BeNull();

    [Fact]
    public void Put_then_get_returns_the_value()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [10]));

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(10);
    }

    [Fact]
    public void A_second_put_overwrites_the_first()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [10]));
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [11]));

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(11);
    }

    [Fact]
    public void Delete_removes_the_key_and_deleting_an_absent_key_is_fine()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [10]));

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [1]).Delete(ColumnFamily.Default, [2]));

        Engine.Get(ColumnFamily.Default, [1]).Should().BeNull();
    }

    [Fact]
    public void Column_families_are_separate_key_spaces()
    {
        Engine.Write(new WriteBatch()
            .Put(ColumnFamily.Default, [1], [1])
            .Put(ColumnFamily.Lock, [1], [2])
            .Put(ColumnFamily.Write, [1], [3]));
        Engine.Write(new WriteBatch().Delete(ColumnFamily.Lock, [1]));

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(1);
        Engine.Get(ColumnFamily.Lock, [1]).Should().BeNull();
        Engine.Get(ColumnFamily.Write, [1]).Should().Equal(3);
    }

    [Fact]
    public void An_unknown_column_family_is_refused_everywhere()
    {
        using var snapshot = Engine.GetSnapshot();

        ((Action)(() => Engine.Get("raft", [1]))).Should().Throw<UnknownColumnFamilyException>().WithMessage("*'raft'*");
        ((Action)(() => new WriteBatch().Put("raft", [1], [1]))).Should().Throw<UnknownColumnFamilyException>();
        ((Action)(() => snapshot.Get("raft", [1]))).Should().Throw<UnknownColumnFamilyException>();
        ((Action)(() => snapshot.NewIterator("raft"))).Should().Throw<UnknownColumnFamilyException>();
    }

    [Fact]
    public void A_batch_is_seen_whole_or_not_at_all_across_column_families()
    {
        using var before = Engine.GetSnapshot();
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Write, [2], [2]));
        using var after = Engine.GetSnapshot();

        before.Get(ColumnFamily.Default, [1]).Should().BeNull();
        before.Get(ColumnFamily.Write, [2]).Should().BeNull();
        after.Get(ColumnFamily.Default, [1]).Should().Equal(1);
        after.Get(ColumnFamily.Write, [2]).Should().Equal(2);
    }

    [Fact]
    public void Operations_of_a_batch_apply_in_order()
    {
        Engine.Write(new WriteBatch()
            .Put(ColumnFamily.Default, [1], [1]).Delete(ColumnFamily.Default, [1])
            .Delete(ColumnFamily.Default, [2]).Put(ColumnFamily.Default, [2], [2]));

        Engine.Get(ColumnFamily.Default, [1]).Should().BeNull();
        Engine.Get(ColumnFamily.Default, [2]).Should().Equal(2);
    }

    [Fact]
    public void An_empty_batch_changes_nothing()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]));

        Engine.Write(new WriteBatch(), sync: true);

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(1);
    }

    [Fact]
    public void A_snapshot_does_not_see_later_writes_or_deletes()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Default, [2], [2]));
        using var snapshot = Engine.GetSnapshot();

        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [9]).Delete(ColumnFamily.Default, [2]).Put(ColumnFamily.Default, [3], [3]));

        snapshot.Get(ColumnFamily.Default, [1]).Should().Equal(1);
        snapshot.Get(ColumnFamily.Default, [2]).Should().Equal(2);
        snapshot.Get(ColumnFamily.Default, [3]).Should().BeNull();
        Keys(snapshot, ColumnFamily.Default).Should().Equal("01", "02");
    }

    [Fact]
    public void Iteration_orders_keys_as_unsigned_bytes_with_prefixes_first()
    {
        var batch = new WriteBatch();
        foreach (var key in new byte[][] { [0xFF], [0x80], [0x7F], [0x00], [0x01, 0x00], [0x01], [0x02], [] })
        {
            batch.Put(ColumnFamily.Write, key, [1]);
        }

        Engine.Write(batch);
        using var snapshot = Engine.GetSnapshot();

        Keys(snapshot, ColumnFamily.Write).Should().Equal("", "00", "01", "0100", "02", "7F", "80", "FF");
    }

    [Theory]
    [InlineData(new byte[] { 2 }, "02")]
    [InlineData(new byte[] { 2, 5 }, "04")]
    [InlineData(new byte[] { 0 }, "02")]
    [InlineData(new byte[] { 7 }, null)]
    public void Seek_stands_on_the_first_key_at_or_after_the_target(byte[] target, string? expected)
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [2], [1]).Put(ColumnFamily.Default, [4], [1]).Put(ColumnFamily.Default, [6], [1]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);

        iterator.Seek(target);

        if (expected is null)
        {
            iterator.Valid.Should().BeFalse();
        }
        else
        {
            Convert.ToHexString(iterator.Key).Should().Be(expected);
        }
    }

    [Fact]
    public void An_iterator_starts_unpositioned_and_ends_invalid()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Lock, [1], [10]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);

        iterator.Valid.Should().BeFalse();
        iterator.SeekToFirst();
        iterator.Value.Should().Equal(10);
        iterator.Next();
        iterator.Valid.Should().BeFalse();
        ((Action)(() => _ = iterator.Key)).Should().Throw<InvalidOperationException>();
        ((Action)(() => _ = iterator.Value)).Should().Throw<InvalidOperationException>();
        ((Action)iterator.Next).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void SeekToFirst_on_an_empty_column_family_is_invalid()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);

        iterator.SeekToFirst();

        iterator.Valid.Should().BeFalse();
    }

    [Fact]
    public void Empty_values_and_large_values_are_kept()
    {
        var large = new byte[1 << 20];
        new Random(7).NextBytes(large);

        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], []).Put(ColumnFamily.Default, [2], large));

        Engine.Get(ColumnFamily.Default, [1]).Should().BeEmpty();
        Engine.Get(ColumnFamily.Default, [2]).Should().Equal(large);
    }

    [Fact]
    public void A_disposed_snapshot_or_iterator_refuses_use()
    {
        var snapshot = Engine.GetSnapshot();
        var iterator = snapshot.NewIterator(ColumnFamily.Default);
        iterator.Dispose();
        snapshot.Dispose();

        ((Action)(() => iterator.SeekToFirst())).Should().Throw<ObjectDisposedException>();
        ((Action)(() => snapshot.Get(ColumnFamily.Default, [1]))).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void A_disposed_engine_refuses_use()
    {
        Engine.Dispose();

        ((Action)(() => Engine.Get(ColumnFamily.Default, [1]))).Should().Throw<ObjectDisposedException>();
        ((Action)(() => Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1])))).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void The_storage_iterator_adapter_starts_on_the_first_key_and_seeks()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [10]).Put(ColumnFamily.Default, [3], [30]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = new EngineDbIterator(snapshot.NewIterator(ColumnFamily.Default));

        iterator.Item.Key.Should().Equal(1);
        iterator.Seek([2]);
        iterator.Item.Value.Should().Equal(30);
        iterator.Next();
        iterator.Valid.Should().BeFalse();
        ((Action)(() => _ = iterator.Item)).Should().Throw<InvalidOperationException>();
    }

    protected static List<string> Keys(IEngineSnapshot snapshot, string cf)
    {
        using var iterator = snapshot.NewIterator(cf);
        var keys = new List<string>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            keys.Add(Convert.ToHexString(iterator.Key));
        }

        return keys;
    }
}
