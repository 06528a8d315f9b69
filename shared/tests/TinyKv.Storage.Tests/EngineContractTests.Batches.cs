using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: a batch applies atomically and in order.
public abstract partial class EngineContractTests
{
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
}
