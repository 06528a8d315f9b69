using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: column families are separate key spaces, and only the three known ones exist.
public abstract partial class EngineContractTests
{
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
}
