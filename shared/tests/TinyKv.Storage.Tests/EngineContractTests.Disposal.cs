using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: a disposed engine, snapshot or iterator refuses use; disposing is idempotent.
public abstract partial class EngineContractTests
{
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
}
