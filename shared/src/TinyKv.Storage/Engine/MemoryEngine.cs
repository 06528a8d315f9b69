using System.Collections.Immutable;

namespace TinyKv.Storage.Engine;

/// <summary>
/// An engine held in memory, for simulation and unit tests: deterministic, no threads, no
/// clock, no files. Each column family is an immutable sorted map; a write batch builds new
/// maps and publishes them all at once, so a snapshot is just the maps of the moment — cheap,
/// consistent, and untouched by later writes.
/// </summary>
/// <remarks>Thread-safe: writes take a lock; reads never do.</remarks>
public sealed class MemoryEngine : IKvEngine
{
    private readonly Lock _writeLock = new();
    private volatile State _state = State.Empty;
    private volatile bool _disposed;

    /// <inheritdoc />
    public byte[]? Get(string cf, ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        return _state.Get(cf, key);
    }

    /// <inheritdoc />
    public void Write(WriteBatch batch, bool sync = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfDisposed();
        if (batch.Count == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            var builders = ColumnFamily.All.ToDictionary(cf => cf, cf => _state.Map(cf).ToBuilder());
            foreach (var op in batch.Ops)
            {
                var map = builders[ColumnFamily.Require(op.Cf)];
                if (op.IsDelete)
                {
                    map.Remove(op.Key);
                }
                else
                {
                    map[op.Key] = op.Value!;
                }
            }

            _state = new State(builders[ColumnFamily.Default].ToImmutable(), builders[ColumnFamily.Lock].ToImmutable(), builders[ColumnFamily.Write].ToImmutable());
        }
    }

    /// <inheritdoc />
    public IEngineSnapshot GetSnapshot()
    {
        ThrowIfDisposed();
        return new MemorySnapshot(_state);
    }

    /// <summary>Drops the data; every later call throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _state = State.Empty;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The three column families at one moment.</summary>
    private sealed record State(
        ImmutableSortedDictionary<byte[], byte[]> Default,
        ImmutableSortedDictionary<byte[], byte[]> Lock,
        ImmutableSortedDictionary<byte[], byte[]> Write)
    {
        private static readonly ImmutableSortedDictionary<byte[], byte[]> s_empty =
            ImmutableSortedDictionary.Create<byte[], byte[]>(ByteComparer.Instance);

        public static State Empty { get; } = new(s_empty, s_empty, s_empty);

        public ImmutableSortedDictionary<byte[], byte[]> Map(string cf) => ColumnFamily.Require(cf) switch
        {
            ColumnFamily.Default => Default,
            ColumnFamily.Lock => Lock,
            _ => Write,
        };

        public byte[]? Get(string cf, ReadOnlySpan<byte> key) =>
            Map(cf).TryGetValue(key.ToArray(), out var value) ? value : null;
    }

    private sealed class MemorySnapshot(State state) : IEngineSnapshot
    {
        private bool _disposed;

        public byte[]? Get(string cf, ReadOnlySpan<byte> key)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return state.Get(cf, key);
        }

        public IEngineIterator NewIterator(string cf)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return new MemoryIterator(state.Map(cf));
        }

        public void Dispose() => _disposed = true;
    }

    /// <summary>
    /// Iterates a captured map. The keys are laid out in an array on first use, so Seek is a
    /// binary search and Next a step.
    /// </summary>
    private sealed class MemoryIterator(ImmutableSortedDictionary<byte[], byte[]> map) : IEngineIterator
    {
        private byte[][]? _keys;
        private int _position = -1;
        private bool _disposed;

        public bool Valid
        {
            get
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _keys is not null && _position >= 0 && _position < _keys.Length;
            }
        }

        public byte[] Key => Valid ? _keys![_position] : throw NotValid();

        public byte[] Value => Valid ? map[_keys![_position]] : throw NotValid();

        public void SeekToFirst()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _keys ??= [.. map.Keys];
            _position = 0;
        }

        public void Seek(ReadOnlySpan<byte> key)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _keys ??= [.. map.Keys];
            var low = 0;
            var high = _keys.Length;
            while (low < high)
            {
                var mid = low + ((high - low) / 2);
                if (ByteComparer.Compare(_keys[mid], key) < 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            _position = low;
        }

        public void Next()
        {
            if (!Valid)
            {
                throw NotValid();
            }

            _position++;
        }

        public void Dispose() => _disposed = true;

        private static InvalidOperationException NotValid() =>
            new("the iterator is not on an entry; call Seek or SeekToFirst and check Valid");
    }
}
