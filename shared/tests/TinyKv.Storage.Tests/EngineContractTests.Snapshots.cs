using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: a snapshot is a point-in-time view, blind to later writes.
public abstract partial class EngineContractTests
{
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
}
