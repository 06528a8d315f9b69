using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: get, put and delete of single keys, including empty and large ones.
public abstract partial class EngineContractTests
{
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
}
