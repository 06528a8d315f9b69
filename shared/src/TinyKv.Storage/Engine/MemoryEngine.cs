using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace TinyKv.Storage.Engine;

/// <summary>
/// An engine held in memory, for simulation and unit tests: deterministic, no threads, no
/// clock, no files. Each column family is an immutable sorted map; a write batch builds new
/// maps and publishes them all at once, so a snapshot is just the maps of the moment — cheap,
/// consistent, and untouched by later writes.
/// </summary>
/// <remarks>
/// Thread-safe: writes take a lock; reads never do. Keys and values are copied on the way in
/// and on the way out, as RocksDB does, so a caller that reuses or changes an array cannot
/// change what the engine holds.
/// </remarks>
public sealed class MemoryEngine : IKvEngine
{
    private readonly Lock _writeLock = new();
    private volatile State _state = State.Empty;
    private volatile bool _disposed;

    /// <inheritdoc />
    public byte[]? Get(string cf, ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        return Copy(_state.Get(cf, key));
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
                    map[op.Key.ToArray()] = op.Value!.ToArray();
                }
            }

            _state = new State(builders[ColumnFamily.Default].ToImmutable(), builders[ColumnFamily.Lock].ToImmutable(), builders[ColumnFamily.Write].ToImmutable());
        }
    }

    /// <inheritdoc />
    public IEngineSnapshot GetSnapshot()
    {
        ThrowIfDisposed();
        return new MemorySnapshot(this, _state);
    }

    /// <summary>
    /// Drops the data; every later call, on the engine or on its snapshots and iterators, throws
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _state = State.Empty;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    [return: NotNullIfNotNull(nameof(bytes))]
    private static byte[]? Copy(byte[]? bytes) => bytes?.ToArray();

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

    private sealed class MemorySnapshot(MemoryEngine engine, State state) : IEngineSnapshot
    {
        private bool _disposed;

        public byte[]? Get(string cf, ReadOnlySpan<byte> key)
        {
            ThrowIfDisposed();
            return Copy(state.Get(cf, key));
        }

        public IEngineIterator NewIterator(string cf)
        {
            ThrowIfDisposed();
            return new MemoryIterator(engine, state.Map(cf));
        }

        public void Dispose() => _disposed = true;

        private void ThrowIfDisposed()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            engine.ThrowIfDisposed();
        }
    }

    /// <summary>
    /// Iterates a captured map. The keys are laid out in an array on first use, so Seek is a
    /// binary search and Next a step.
    /// </summary>
    private sealed class MemoryIterator(MemoryEngine engine, ImmutableSortedDictionary<byte[], byte[]> map) : IEngineIterator
    {
        private byte[][]? _keys;
        private int _position = -1;
        private bool _disposed;

        public bool Valid
        {
            get
            {
                ThrowIfDisposed();
                return _keys is not null && _position >= 0 && _position < _keys.Length;
            }
        }

        public byte[] Key => Valid ? Copy(_keys![_position]) : throw NotValid();

        public byte[] Value => Valid ? Copy(map[_keys![_position]]) : throw NotValid();

        public void SeekToFirst()
        {
            ThrowIfDisposed();
            _keys ??= [.. map.Keys];
            _position = 0;
        }

        public void Seek(ReadOnlySpan<byte> key)
        {
            ThrowIfDisposed();
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

        private void ThrowIfDisposed()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            engine.ThrowIfDisposed();
        }

        private static InvalidOperationException NotValid() =>
            new("the iterator is not on an entry; call Seek or SeekToFirst and check Valid");
    }
}
