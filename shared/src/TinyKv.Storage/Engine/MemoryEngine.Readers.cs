using System.Collections.Immutable;

namespace TinyKv.Storage.Engine;

public sealed partial class MemoryEngine
{
    /// <summary>A snapshot: the tables published when it was taken, nothing more.</summary>
    private sealed class MemorySnapshot(MemoryEngine engine, Tables tables) : IEngineSnapshot
    {
        private volatile bool _disposed;

        public byte[]? Get(string cf, ReadOnlySpan<byte> key)
        {
            ThrowIfDisposed();
            return tables.Get(cf, key);
        }

        public IEngineIterator NewIterator(string cf)
        {
            ThrowIfDisposed();
            return new MemoryIterator(engine, tables.Family(cf));
        }

        public void Dispose() => _disposed = true;

        private void ThrowIfDisposed()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            engine.ThrowIfDisposed();
        }
    }

    /// <summary>
    /// Walks one column family of a snapshot by position in its sorted set: Seek is a binary
    /// search for the first entry at or after the target, Next steps to the following position.
    /// </summary>
    private sealed class MemoryIterator(MemoryEngine engine, ImmutableSortedSet<Entry> family) : IEngineIterator
    {
        private const int Unpositioned = -1;

        private int _position = Unpositioned;
        private Entry _current;
        private bool _disposed;

        public bool Valid
        {
            get
            {
                ThrowIfDisposed();
                return _position != Unpositioned && _position < family.Count;
            }
        }

        public byte[] Key => Valid ? _current.Key.ToArray() : throw NotValid();

        public byte[] Value => Valid ? _current.Value.ToArray() : throw NotValid();

        public void SeekToFirst()
        {
            ThrowIfDisposed();
            MoveTo(0);
        }

        public void Seek(ReadOnlySpan<byte> key)
        {
            ThrowIfDisposed();

            // IndexOf is a binary search: a miss returns the complement of where the key would go,
            // which is the position of the first larger key.
            var index = family.IndexOf(Entry.Probe(key));
            MoveTo(index >= 0 ? index : ~index);
        }

        public void Next()
        {
            if (!Valid)
            {
                throw NotValid();
            }

            MoveTo(_position + 1);
        }

        public void Dispose() => _disposed = true;

        private void MoveTo(int position)
        {
            _position = position;
            _current = position < family.Count ? family[position] : default;
        }

        private void ThrowIfDisposed()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            engine.ThrowIfDisposed();
        }

        private static InvalidOperationException NotValid() =>
            new("the iterator is not on an entry; call Seek or SeekToFirst and check Valid");
    }
}
