using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.TestKit.Storage;

/// <summary>
/// A storage for tests of code written against <see cref="IStorage"/>: an in-memory engine
/// behind the storage contract, plus ways for a test to look behind the code under test. A test
/// lays out the initial state with <see cref="Set"/>, runs the code, then checks what it did
/// with <see cref="Get"/>, <see cref="HasChanged"/> and <see cref="Len"/>.
/// </summary>
/// <remarks>
/// The original course's <c>MemStorage</c> plays this part in its transaction tests. Unlike it,
/// readers here read a snapshot (as every real storage does), and <see cref="HasChanged"/>
/// compares values, so writing a key's initial value back again does not count as a change.
/// Its writes and readers complete at once, so code under test that only awaits the storage runs
/// to the end within the call, on the test's thread. It also counts the iterators its readers hand out that are not disposed yet
/// (<see cref="OpenIterators"/>): the original panicked on such a leak.
/// </remarks>
public sealed class TrackingStorage : IStorage, IDisposable
{
    private readonly MemoryEngine _engine = new();
    private readonly Dictionary<(string Cf, string Key), byte[]> _initial = [];
    private readonly Lock _initialGuard = new();
    private int _openIterators;

    /// <summary>How many iterators handed out by this storage's readers are not disposed yet.</summary>
    public int OpenIterators => Volatile.Read(ref _openIterators);

    /// <inheritdoc />
    public void Start()
    {
    }

    /// <inheritdoc />
    public void Stop()
    {
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(Context? ctx, IReadOnlyList<Modify> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var writeBatch = new WriteBatch();
        foreach (var modify in batch)
        {
            if (modify.Kind == ModifyKind.Put)
            {
                writeBatch.Put(modify.Cf, modify.Key, modify.Value ?? throw new ArgumentException($"a put of {Show(modify.Key)} in {modify.Cf} has no value", nameof(batch)));
            }
            else
            {
                writeBatch.Delete(modify.Cf, modify.Key);
            }
        }

        _engine.Write(writeBatch);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IStorageReader> ReaderAsync(Context? ctx) => ValueTask.FromResult(Reader());

    /// <summary>A reader over the current data, for tests of code that takes a reader rather than a storage.</summary>
    public IStorageReader Reader() => new TrackingReader(this, _engine.GetSnapshot());

    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/> in <paramref name="cf"/>
    /// directly, bypassing the code under test, and remembers it as the key's initial value.
    /// </summary>
    public void Set(string cf, byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _engine.Write(new WriteBatch().Put(cf, key, value));
        lock (_initialGuard)
        {
            _initial[(cf, Show(key))] = [.. value];
        }
    }

    /// <summary>The current value of <paramref name="key"/> in <paramref name="cf"/>, or null when absent.</summary>
    public byte[]? Get(string cf, byte[] key) => _engine.Get(cf, key);

    /// <summary>
    /// Whether the value of <paramref name="key"/> in <paramref name="cf"/> differs from its
    /// initial one: the value <see cref="Set"/> put there, or no value for a key never set.
    /// A deleted key has changed; a key written back with its initial value has not.
    /// </summary>
    public bool HasChanged(string cf, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[]? initial;
        lock (_initialGuard)
        {
            _initial.TryGetValue((cf, Show(key)), out initial);
        }

        var current = Get(cf, key);
        return current is null || initial is null
            ? current is not null || initial is not null
            : !current.AsSpan().SequenceEqual(initial);
    }

    /// <summary>How many keys <paramref name="cf"/> holds now.</summary>
    public int Len(string cf)
    {
        using var snapshot = _engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(cf);
        var count = 0;
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            count++;
        }

        return count;
    }

    /// <summary>Drops the data.</summary>
    public void Dispose() => _engine.Dispose();

    private static string Show(byte[] key) => Convert.ToHexString(key);

    /// <summary>A reader over one engine snapshot that counts the iterators it hands out.</summary>
    private sealed class TrackingReader(TrackingStorage storage, IEngineSnapshot snapshot) : IStorageReader
    {
        public byte[]? GetCF(string cf, byte[] key) => snapshot.Get(cf, key);

        public IDbIterator IterCF(string cf)
        {
            var iterator = new CountedIterator(storage, new EngineDbIterator(snapshot.NewIterator(cf)));
            Interlocked.Increment(ref storage._openIterators);
            return iterator;
        }

        public void Dispose() => snapshot.Dispose();
    }

    /// <summary>An iterator that tells its storage when it is disposed (once, however often it is called).</summary>
    private sealed class CountedIterator(TrackingStorage storage, IDbIterator inner) : IDbIterator
    {
        private int _disposed;

        public bool Valid => inner.Valid;

        public IDbItem Item => inner.Item;

        public void Next() => inner.Next();

        public void Seek(byte[] key) => inner.Seek(key);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref storage._openIterators);
                inner.Dispose();
            }
        }
    }
}
