using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

/// <summary>
/// The column-family engine contract (<see cref="IKvEngine"/>), held against every engine:
/// the in-memory one of simulations and the RocksDB one of real servers pass the same tests.
/// A subclass says how to build its engine; each test gets a fresh one.
/// </summary>
public abstract class EngineContractTests : IDisposable
{
    private readonly Lazy<IKvEngine> _engine;

    protected EngineContractTests() => _engine = new Lazy<IKvEngine>(CreateEngine);

    /// <summary>The engine under test, created on first use.</summary>
    protected IKvEngine Engine => _engine.Value;

    public virtual void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new, empty engine.</summary>
    protected abstract IKvEngine CreateEngine();

    // ---- reads and writes ----

    [Fact]
    public void Get_of_an_absent_key_is_null() => Engine.Get(ColumnFamily.Default, [1]).Should().BeNull();

    [Fact]
    public void Get_after_a_put_returns_the_value()
    {
        Put(ColumnFamily.Default, [1], [10]);

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(10);
    }

    [Fact]
    public void A_second_put_overwrites_the_first()
    {
        Put(ColumnFamily.Default, [1], [10]);

        Put(ColumnFamily.Default, [1], [11]);

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(11);
    }

    [Fact]
    public void Delete_removes_the_key()
    {
        Put(ColumnFamily.Default, [1], [10]);

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [1]));

        Engine.Get(ColumnFamily.Default, [1]).Should().BeNull();
    }

    [Fact]
    public void Deleting_an_absent_key_is_not_an_error()
    {
        Put(ColumnFamily.Default, [1], [10]);

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [2]));

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(10);
    }

    [Fact]
    public void An_empty_value_is_a_value_not_an_absence()
    {
        Put(ColumnFamily.Default, [1], []);

        Engine.Get(ColumnFamily.Default, [1]).Should().NotBeNull().And.BeEmpty();
    }

    [Fact]
    public void An_empty_key_is_a_key()
    {
        Put(ColumnFamily.Default, [], [5]);

        Engine.Get(ColumnFamily.Default, []).Should().Equal(5);
    }

    [Fact]
    public void A_one_mebibyte_value_is_kept_whole()
    {
        var large = new byte[1 << 20];
        new Random(7).NextBytes(large);

        Put(ColumnFamily.Default, [2], large);

        Engine.Get(ColumnFamily.Default, [2]).Should().Equal(large);
    }

    [Fact]
    public void Changing_a_value_read_back_does_not_change_the_stored_value()
    {
        Put(ColumnFamily.Default, [1], [10]);
        var read = Engine.Get(ColumnFamily.Default, [1])!;

        read[0] = 99;

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(10);
    }

    [Fact]
    public void Changing_an_array_after_writing_it_does_not_change_the_stored_entry()
    {
        byte[] key = [1];
        byte[] value = [10];
        Put(ColumnFamily.Default, key, value);

        key[0] = 2;
        value[0] = 99;

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(10);
    }

    // ---- column families ----

    [Fact]
    public void The_same_key_in_each_column_family_is_a_separate_entry()
    {
        Engine.Write(new WriteBatch()
            .Put(ColumnFamily.Default, [1], [1])
            .Put(ColumnFamily.Lock, [1], [2])
            .Put(ColumnFamily.Write, [1], [3]));

        ColumnFamily.All.Select(cf => Engine.Get(cf, [1])![0]).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Deleting_in_one_column_family_leaves_the_others_alone()
    {
        Engine.Write(new WriteBatch()
            .Put(ColumnFamily.Default, [1], [1])
            .Put(ColumnFamily.Lock, [1], [2])
            .Put(ColumnFamily.Write, [1], [3]));

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Lock, [1]));

        ColumnFamily.All.Select(cf => Engine.Get(cf, [1])?[0]).Should().Equal((byte)1, null, (byte)3);
    }

    [Fact]
    public void Iterating_one_column_family_shows_only_its_keys()
    {
        Engine.Write(new WriteBatch()
            .Put(ColumnFamily.Default, [1], [1])
            .Put(ColumnFamily.Lock, [2], [2])
            .Put(ColumnFamily.Write, [3], [3]));
        using var snapshot = Engine.GetSnapshot();

        Keys(snapshot, ColumnFamily.Lock).Should().Equal("02");
    }

    [Fact]
    public void Get_from_an_unknown_column_family_is_refused_naming_it()
    {
        var act = () => Engine.Get("raft", [1]);

        act.Should().Throw<UnknownColumnFamilyException>().WithMessage("*'raft'*default, lock, write*");
    }

    [Fact]
    public void A_batch_put_into_an_unknown_column_family_is_refused()
    {
        var act = () => new WriteBatch().Put("Default", [1], [1]);

        act.Should().Throw<UnknownColumnFamilyException>().Which.Name.Should().Be("Default");
    }

    [Fact]
    public void A_batch_delete_from_an_unknown_column_family_is_refused()
    {
        var act = () => new WriteBatch().Delete("", [1]);

        act.Should().Throw<UnknownColumnFamilyException>();
    }

    [Fact]
    public void Snapshot_get_from_an_unknown_column_family_is_refused()
    {
        using var snapshot = Engine.GetSnapshot();

        var act = () => snapshot.Get("raft", [1]);

        act.Should().Throw<UnknownColumnFamilyException>();
    }

    [Fact]
    public void Iterating_an_unknown_column_family_is_refused()
    {
        using var snapshot = Engine.GetSnapshot();

        var act = () => snapshot.NewIterator("raft");

        act.Should().Throw<UnknownColumnFamilyException>();
    }

    // ---- write batches ----

    [Fact]
    public void A_batch_is_invisible_to_a_snapshot_taken_before_it()
    {
        using var before = Engine.GetSnapshot();

        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Write, [2], [2]));

        before.Get(ColumnFamily.Default, [1]).Should().BeNull();
        before.Get(ColumnFamily.Write, [2]).Should().BeNull();
    }

    [Fact]
    public void A_batch_is_wholly_visible_to_a_snapshot_taken_after_it()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Write, [2], [2]));

        using var after = Engine.GetSnapshot();

        after.Get(ColumnFamily.Default, [1]).Should().Equal(1);
        after.Get(ColumnFamily.Write, [2]).Should().Equal(2);
    }

    [Fact]
    public void Put_then_delete_of_one_key_in_a_batch_leaves_it_absent()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Delete(ColumnFamily.Default, [1]));

        Engine.Get(ColumnFamily.Default, [1]).Should().BeNull();
    }

    [Fact]
    public void Delete_then_put_of_one_key_in_a_batch_leaves_it_present()
    {
        Put(ColumnFamily.Default, [1], [1]);

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [1]).Put(ColumnFamily.Default, [1], [2]));

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(2);
    }

    [Fact]
    public void The_last_of_two_puts_in_a_batch_wins()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Lock, [1], [1]).Put(ColumnFamily.Lock, [1], [2]));

        Engine.Get(ColumnFamily.Lock, [1]).Should().Equal(2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_empty_batch_changes_nothing(bool sync)
    {
        Put(ColumnFamily.Default, [1], [1]);

        Engine.Write(new WriteBatch(), sync);

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(1);
    }

    [Fact]
    public void A_cleared_batch_can_be_reused()
    {
        var batch = new WriteBatch().Put(ColumnFamily.Default, [1], [1]);
        Engine.Write(batch);
        batch.Clear();

        Engine.Write(batch.Put(ColumnFamily.Default, [2], [2]));

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(1);
    }

    // ---- snapshots ----

    [Fact]
    public void A_snapshot_does_not_see_a_later_overwrite()
    {
        Put(ColumnFamily.Default, [1], [1]);
        using var snapshot = Engine.GetSnapshot();

        Put(ColumnFamily.Default, [1], [9]);

        snapshot.Get(ColumnFamily.Default, [1]).Should().Equal(1);
    }

    [Fact]
    public void A_snapshot_does_not_see_a_later_delete()
    {
        Put(ColumnFamily.Default, [1], [1]);
        using var snapshot = Engine.GetSnapshot();

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [1]));

        snapshot.Get(ColumnFamily.Default, [1]).Should().Equal(1);
    }

    [Fact]
    public void An_iterator_opened_after_later_writes_still_shows_the_snapshot()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Default, [2], [2]));
        using var snapshot = Engine.GetSnapshot();

        Engine.Write(new WriteBatch().Delete(ColumnFamily.Default, [2]).Put(ColumnFamily.Default, [3], [3]));

        Keys(snapshot, ColumnFamily.Default).Should().Equal("01", "02");
    }

    [Fact]
    public void The_engine_sees_writes_its_old_snapshots_do_not()
    {
        using var snapshot = Engine.GetSnapshot();

        Put(ColumnFamily.Default, [1], [1]);

        Engine.Get(ColumnFamily.Default, [1]).Should().Equal(1);
    }

    // ---- iterators ----

    [Fact]
    public void Iteration_orders_keys_as_unsigned_bytes_with_a_prefix_first()
    {
        var batch = new WriteBatch();
        foreach (var key in new byte[][] { [0xFF], [0x80], [0x7F], [0x00], [0x01, 0x00], [0x01], [0x02], [0x80, 0x00, 0x01] })
        {
            batch.Put(ColumnFamily.Write, key, [1]);
        }

        Engine.Write(batch);
        using var snapshot = Engine.GetSnapshot();

        Keys(snapshot, ColumnFamily.Write).Should().Equal("00", "01", "0100", "02", "7F", "80", "800001", "FF");
    }

    [Fact]
    public void Iteration_yields_each_value_with_its_key()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [2], [20]).Put(ColumnFamily.Default, [1], [10]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        var values = new List<byte>();

        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            values.Add(iterator.Value[0]);
        }

        values.Should().Equal(10, 20);
    }

    [Theory]
    [InlineData(new byte[] { 4 }, "04")]
    [InlineData(new byte[] { 2, 5 }, "04")]
    [InlineData(new byte[] { 3 }, "04")]
    [InlineData(new byte[] { 0 }, "02")]
    [InlineData(new byte[0], "02")]
    [InlineData(new byte[] { 6, 0 }, null)]
    [InlineData(new byte[] { 0xFF }, null)]
    public void Seek_stands_on_the_first_key_at_or_after_the_target(byte[] target, string? expected)
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [2], [1]).Put(ColumnFamily.Default, [4], [1]).Put(ColumnFamily.Default, [6], [1]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);

        iterator.Seek(target);

        (iterator.Valid ? Convert.ToHexString(iterator.Key) : null).Should().Be(expected);
    }

    [Fact]
    public void Next_after_seek_walks_on_in_order()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [2], [1]).Put(ColumnFamily.Default, [4], [1]).Put(ColumnFamily.Default, [6], [1]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        iterator.Seek([3]);

        iterator.Next();

        iterator.Key.Should().Equal(6);
    }

    [Fact]
    public void Seek_can_move_backwards()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [2], [1]).Put(ColumnFamily.Default, [4], [1]));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        iterator.Seek([4]);

        iterator.Seek([1]);

        iterator.Key.Should().Equal(2);
    }

    [Fact]
    public void An_iterator_starts_unpositioned()
    {
        Put(ColumnFamily.Lock, [1], [10]);
        using var snapshot = Engine.GetSnapshot();

        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);

        iterator.Valid.Should().BeFalse();
    }

    [Fact]
    public void SeekToFirst_on_an_empty_column_family_is_invalid()
    {
        Put(ColumnFamily.Default, [1], [1]);
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);

        iterator.SeekToFirst();

        iterator.Valid.Should().BeFalse();
    }

    [Fact]
    public void Next_past_the_last_key_makes_the_iterator_invalid()
    {
        Put(ColumnFamily.Lock, [1], [10]);
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);
        iterator.SeekToFirst();

        iterator.Next();

        iterator.Valid.Should().BeFalse();
    }

    [Fact]
    public void Key_value_and_next_of_an_unpositioned_iterator_throw()
    {
        Put(ColumnFamily.Lock, [1], [10]);
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);

        ((Func<byte[]>)(() => iterator.Key)).Should().Throw<InvalidOperationException>();
        ((Func<byte[]>)(() => iterator.Value)).Should().Throw<InvalidOperationException>();
        ((Action)iterator.Next).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Key_value_and_next_of_an_iterator_past_the_end_throw()
    {
        Put(ColumnFamily.Lock, [1], [10]);
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Lock);
        iterator.Seek([2]);

        ((Func<byte[]>)(() => iterator.Key)).Should().Throw<InvalidOperationException>();
        ((Func<byte[]>)(() => iterator.Value)).Should().Throw<InvalidOperationException>();
        ((Action)iterator.Next).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void An_iterator_yields_empty_and_large_values()
    {
        var large = new byte[1 << 20];
        new Random(11).NextBytes(large);
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], []).Put(ColumnFamily.Default, [2], large));
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);

        iterator.SeekToFirst();
        var first = iterator.Value;
        iterator.Next();

        first.Should().BeEmpty();
        iterator.Value.Should().Equal(large);
    }

    [Fact]
    public void Two_iterators_of_one_snapshot_move_independently()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [1]).Put(ColumnFamily.Default, [2], [2]));
        using var snapshot = Engine.GetSnapshot();
        using var first = snapshot.NewIterator(ColumnFamily.Default);
        using var second = snapshot.NewIterator(ColumnFamily.Default);
        first.SeekToFirst();
        second.SeekToFirst();

        first.Next();

        second.Key.Should().Equal(1);
    }

    // ---- disposal ----

    [Fact]
    public void A_disposed_engine_refuses_reads_writes_and_snapshots()
    {
        Engine.Dispose();

        ((Action)(() => Engine.Get(ColumnFamily.Default, [1]))).Should().Throw<ObjectDisposedException>();
        ((Action)(() => Put(ColumnFamily.Default, [1], [1]))).Should().Throw<ObjectDisposedException>();
        ((Action)(() => Engine.GetSnapshot())).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void A_disposed_snapshot_refuses_reads_and_iterators()
    {
        var snapshot = Engine.GetSnapshot();

        snapshot.Dispose();

        ((Action)(() => snapshot.Get(ColumnFamily.Default, [1]))).Should().Throw<ObjectDisposedException>();
        ((Action)(() => snapshot.NewIterator(ColumnFamily.Default))).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void A_disposed_iterator_refuses_every_move()
    {
        using var snapshot = Engine.GetSnapshot();
        var iterator = snapshot.NewIterator(ColumnFamily.Default);

        iterator.Dispose();

        ((Func<bool>)(() => iterator.Valid)).Should().Throw<ObjectDisposedException>();
        ((Action)iterator.SeekToFirst).Should().Throw<ObjectDisposedException>();
        ((Action)(() => iterator.Seek([1]))).Should().Throw<ObjectDisposedException>();
        ((Action)iterator.Next).Should().Throw<ObjectDisposedException>();
        ((Func<byte[]>)(() => iterator.Key)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Snapshots_and_iterators_of_a_disposed_engine_refuse_use()
    {
        Put(ColumnFamily.Default, [1], [1]);
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        iterator.SeekToFirst();

        Engine.Dispose();

        ((Action)(() => snapshot.Get(ColumnFamily.Default, [1]))).Should().Throw<ObjectDisposedException>();
        ((Action)(() => snapshot.NewIterator(ColumnFamily.Default))).Should().Throw<ObjectDisposedException>();
        ((Func<bool>)(() => iterator.Valid)).Should().Throw<ObjectDisposedException>();
        ((Action)iterator.Next).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Disposing_readers_after_their_engine_is_harmless()
    {
        var snapshot = Engine.GetSnapshot();
        var iterator = snapshot.NewIterator(ColumnFamily.Default);
        Engine.Dispose();

        var act = () =>
        {
            iterator.Dispose();
            snapshot.Dispose();
        };

        act.Should().NotThrow();
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var snapshot = Engine.GetSnapshot();
        var iterator = snapshot.NewIterator(ColumnFamily.Default);

        var act = () =>
        {
            iterator.Dispose();
            iterator.Dispose();
            snapshot.Dispose();
            snapshot.Dispose();
            Engine.Dispose();
            Engine.Dispose();
        };

        act.Should().NotThrow();
    }

    /// <summary>Writes one put in a batch of its own.</summary>
    protected void Put(string cf, byte[] key, byte[] value) => Engine.Write(new WriteBatch().Put(cf, key, value));

    /// <summary>Every key of <paramref name="cf"/> in <paramref name="snapshot"/>, in iteration order, as hex.</summary>
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
