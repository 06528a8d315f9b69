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
    /// Walks one column family of a snapshot. It keeps the path from the root to its entry (the
    /// entries still to visit on the way back up), so Seek is one descent and Next is O(1)
    /// amortized.
    /// </summary>
    private sealed class MemoryIterator(MemoryEngine engine, Tree family) : IEngineIterator
    {
        // The current entry on top; below it, the ancestors whose entries come after it.
        private readonly Stack<Tree.Node> _path = new();
        private bool _disposed;

        public bool Valid
        {
            get
            {
                ThrowIfDisposed();
                return _path.Count > 0;
            }
        }

        public byte[] Key => Valid ? _path.Peek().Key.ToArray() : throw NotValid();

        public byte[] Value => Valid ? _path.Peek().Value.ToArray() : throw NotValid();

        public void SeekToFirst()
        {
            ThrowIfDisposed();
            _path.Clear();
            PushLeftSpine(family.Root);
        }

        public void Seek(ReadOnlySpan<byte> key)
        {
            ThrowIfDisposed();

            // Down from the root, keeping every node at or after the key on the way: the last
            // one kept is the first entry at or after it.
            _path.Clear();
            var node = family.Root;
            while (node is not null)
            {
                if (ByteComparer.Compare(node.Key, key) >= 0)
                {
                    _path.Push(node);
                    node = node.Left;
                }
                else
                {
                    node = node.Right;
                }
            }
        }

        public void Next()
        {
            if (!Valid)
            {
                throw NotValid();
            }

            PushLeftSpine(_path.Pop().Right);
        }

        public void Dispose() => _disposed = true;

        private void PushLeftSpine(Tree.Node? node)
        {
            for (; node is not null; node = node.Left)
            {
                _path.Push(node);
            }
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
