using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: iterators walk keys in unsigned byte order, from where Seek or SeekToFirst put them.
public abstract partial class EngineContractTests
{
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
    public void The_empty_key_comes_before_every_other_key()
    {
        Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [0x00], [1]).Put(ColumnFamily.Default, [], [2]));
        using var snapshot = Engine.GetSnapshot();

        Keys(snapshot, ColumnFamily.Default).Should().Equal("", "00");
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
}
