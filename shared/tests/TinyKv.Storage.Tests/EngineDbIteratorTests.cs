using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

/// <summary>
/// The adapter from an engine iterator to the storage contract's iterator: unlike the engine
/// iterator, it starts on the first key.
/// </summary>
public sealed class EngineDbIteratorTests : IDisposable
{
    private readonly MemoryEngine _engine = new();
    private readonly IEngineSnapshot _snapshot;

    public EngineDbIteratorTests()
    {
        _engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], [10]).Put(ColumnFamily.Default, [3], [30]));
        _snapshot = _engine.GetSnapshot();
    }

    public void Dispose()
    {
        _snapshot.Dispose();
        _engine.Dispose();
    }

    [Fact]
    public void It_starts_on_the_first_key()
    {
        using var iterator = Open(ColumnFamily.Default);

        iterator.Item.Key.Should().Equal(1);
    }

    [Fact]
    public void It_is_invalid_at_once_on_an_empty_column_family()
    {
        using var iterator = Open(ColumnFamily.Lock);

        iterator.Valid.Should().BeFalse();
    }

    [Fact]
    public void Seek_stands_on_the_first_key_at_or_after_the_target()
    {
        using var iterator = Open(ColumnFamily.Default);

        iterator.Seek([2]);

        iterator.Item.Value.Should().Equal(30);
    }

    [Fact]
    public void Next_moves_to_the_following_key()
    {
        using var iterator = Open(ColumnFamily.Default);

        iterator.Next();

        iterator.Item.Key.Should().Equal(3);
    }

    [Fact]
    public void Item_past_the_end_throws()
    {
        using var iterator = Open(ColumnFamily.Default);
        iterator.Seek([4]);

        var act = () => iterator.Item;

        act.Should().Throw<InvalidOperationException>().WithMessage("*Valid*");
    }

    [Fact]
    public void Disposing_it_disposes_the_engine_iterator()
    {
        var inner = _snapshot.NewIterator(ColumnFamily.Default);
        var iterator = new EngineDbIterator(inner);

        iterator.Dispose();

        ((Func<bool>)(() => inner.Valid)).Should().Throw<ObjectDisposedException>();
    }

    private EngineDbIterator Open(string cf) => new(_snapshot.NewIterator(cf));
}
