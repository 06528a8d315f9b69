using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Standalone;

/// <summary>
/// Reads one engine snapshot: every get and iterator of a reader sees the storage as it was
/// when the reader was made, whatever is written afterwards.
/// </summary>
/// <remarks>Owns the snapshot: disposing the reader releases it.</remarks>
public sealed class StandaloneReader : IStorageReader
{
#if TINYKV_REF_1
    private readonly IEngineSnapshot _snapshot;
#endif

    /// <summary>Creates a reader over <paramref name="snapshot"/>, which it owns from now on.</summary>
    public StandaloneReader(IEngineSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
#if TINYKV_REF_1
        _snapshot = snapshot;
#else
        throw Todo.Slot("1", "keep the snapshot this reader reads; see the Stage 1 handout, 'Reads'");
#endif
    }

    /// <inheritdoc />
    public byte[]? GetCF(string cf, byte[] key)
    {
#if TINYKV_REF_1
        return _snapshot.Get(cf, key);
#else
        throw Todo.Slot("1", "read the key's value from the snapshot (null when absent); see the Stage 1 handout, 'Reads'");
#endif
    }

    /// <inheritdoc />
    public IDbIterator IterCF(string cf)
    {
#if TINYKV_REF_1
        return new EngineDbIterator(_snapshot.NewIterator(cf));
#else
        throw Todo.Slot("1", "wrap a snapshot iterator in an EngineDbIterator; see the Stage 1 handout, 'Reads'");
#endif
    }

    /// <inheritdoc />
    public void Dispose()
    {
#if TINYKV_REF_1
        _snapshot.Dispose();
#else
        throw Todo.Slot("1", "release the snapshot; see the Stage 1 handout, 'Reads'");
#endif
    }
}
