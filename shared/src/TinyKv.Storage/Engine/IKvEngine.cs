namespace TinyKv.Storage.Engine;

/// <summary>
/// A column-family key-value engine: the durable store under every TinyKV server.
/// Keys are ordered bytewise (unsigned lexicographic) within each column family.
/// Implementations: <see cref="MemoryEngine"/> (simulation and unit tests) and
/// <c>RocksDbEngine</c> (real servers). Both pass the same contract test suite.
/// </summary>
/// <remarks>
/// Thread safety: every member may be called from any thread. A write batch is applied
/// atomically: a reader sees all of it or none of it, across column families.
/// </remarks>
public interface IKvEngine : IDisposable
{
    /// <summary>The latest value of <paramref name="key"/> in <paramref name="cf"/>, or null when absent.</summary>
    /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    byte[]? Get(string cf, ReadOnlySpan<byte> key);

    /// <summary>
    /// Applies every operation of <paramref name="batch"/> atomically, in order. With
    /// <paramref name="sync"/> the write is on stable storage when the call returns.
    /// An empty batch is a no-op.
    /// </summary>
    void Write(WriteBatch batch, bool sync = false);

    /// <summary>
    /// A consistent point-in-time view: later writes to the engine are invisible to it.
    /// The caller disposes it.
    /// </summary>
    IEngineSnapshot GetSnapshot();
}

/// <summary>A read-only, point-in-time view of an engine.</summary>
public interface IEngineSnapshot : IDisposable
{
    /// <summary>The value of <paramref name="key"/> at the snapshot, or null when absent.</summary>
    /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    byte[]? Get(string cf, ReadOnlySpan<byte> key);

    /// <summary>
    /// An iterator over <paramref name="cf"/> at the snapshot, in ascending key order. It starts
    /// unpositioned (<see cref="IEngineIterator.Valid"/> is false): call
    /// <see cref="IEngineIterator.Seek"/> or <see cref="IEngineIterator.SeekToFirst"/> first.
    /// </summary>
    /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    IEngineIterator NewIterator(string cf);
}

/// <summary>A forward iterator over one column family of a snapshot.</summary>
public interface IEngineIterator : IDisposable
{
    /// <summary>Whether the iterator stands on an entry.</summary>
    bool Valid { get; }

    /// <summary>The current key. Only when <see cref="Valid"/>.</summary>
    /// <exception cref="InvalidOperationException">The iterator is not valid.</exception>
    byte[] Key { get; }

    /// <summary>The current value. Only when <see cref="Valid"/>.</summary>
    /// <exception cref="InvalidOperationException">The iterator is not valid.</exception>
    byte[] Value { get; }

    /// <summary>Moves to the first key.</summary>
    void SeekToFirst();

    /// <summary>Moves to the first key greater than or equal to <paramref name="key"/>.</summary>
    void Seek(ReadOnlySpan<byte> key);

    /// <summary>Moves to the next key.</summary>
    /// <exception cref="InvalidOperationException">The iterator is not valid.</exception>
    void Next();
}
