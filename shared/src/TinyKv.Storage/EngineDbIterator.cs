using TinyKv.Storage.Engine;

namespace TinyKv.Storage;

/// <summary>
/// Adapts an engine iterator to the storage contract's <see cref="IDbIterator"/>, so a
/// storage reader can hand out iterators without writing one. It takes ownership of the
/// engine iterator: disposing this disposes that.
/// </summary>
public sealed class EngineDbIterator : IDbIterator
{
    private readonly IEngineIterator _inner;

    /// <summary>Wraps <paramref name="inner"/> and moves it to the first key of its column family.</summary>
    public EngineDbIterator(IEngineIterator inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _inner.SeekToFirst();
    }

    public bool Valid => _inner.Valid;

    public IDbItem Item => _inner.Valid
        ? new DbItem(_inner.Key, _inner.Value)
        : throw new InvalidOperationException("the iterator is not on an item; check Valid first");

    public void Next() => _inner.Next();

    public void Seek(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _inner.Seek(key);
    }

    public void Dispose() => _inner.Dispose();

    private sealed record DbItem(byte[] Key, byte[] Value) : IDbItem;
}
