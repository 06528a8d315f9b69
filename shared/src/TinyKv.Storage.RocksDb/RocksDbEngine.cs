using RocksDbSharp;
using TinyKv.Storage.Engine;
using WriteBatch = TinyKv.Storage.Engine.WriteBatch;

namespace TinyKv.Storage.RocksDb;

/// <summary>
/// The engine of real servers: a RocksDB database with the column families default, lock and
/// write. Batches are RocksDB write batches (atomic across column families); a snapshot is a
/// RocksDB snapshot, released when disposed.
/// </summary>
/// <remarks>
/// Thread-safe, as RocksDB is, except that nothing may race with <see cref="Dispose"/>. Only one
/// engine may hold a data directory at a time; a second <see cref="Open"/> of the same directory
/// fails. RocksDB must not close while a snapshot or iterator is open (the native library aborts
/// the process when one is released afterwards), so the engine keeps track of the readers it
/// handed out and closes those still open before the database.
/// </remarks>
public sealed class RocksDbEngine : IKvEngine
{
    private readonly RocksDbSharp.RocksDb _db;
    private readonly Dictionary<string, ColumnFamilyHandle> _handles;
    private readonly WriteOptions _syncWrite = new WriteOptions().SetSync(true);
    private readonly WriteOptions _asyncWrite = new WriteOptions().SetSync(false);
    private readonly Lock _readersGate = new();
    private readonly HashSet<RocksDbSnapshot> _openSnapshots = [];
    private readonly HashSet<RocksDbIterator> _openIterators = [];
    private int _disposed;

    private RocksDbEngine(RocksDbSharp.RocksDb db, string path)
    {
        _db = db;
        Path = path;
        _handles = ColumnFamily.All.ToDictionary(cf => cf, db.GetColumnFamily);
    }

    /// <summary>The data directory.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens the database in <paramref name="path"/>, creating the directory and the column
    /// families when missing.
    /// </summary>
    /// <exception cref="IOException">RocksDB cannot open the directory (another process holds its lock, no permission, corruption).</exception>
    public static RocksDbEngine Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(fullPath);
        var options = new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true);
        var families = new ColumnFamilies();
        foreach (var cf in ColumnFamily.All.Where(cf => cf != ColumnFamily.Default))
        {
            families.Add(cf, new ColumnFamilyOptions());
        }

        try
        {
            return new RocksDbEngine(RocksDbSharp.RocksDb.Open(options, fullPath, families), fullPath);
        }
        catch (RocksDbException ex)
        {
            throw new IOException($"cannot open the RocksDB data directory {fullPath}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public byte[]? Get(string cf, ReadOnlySpan<byte> key)
    {
        var handle = Handle(cf);
        return _db.Get(key, handle);
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

        using var rocksBatch = new RocksDbSharp.WriteBatch();
        foreach (var op in batch.Ops)
        {
            var handle = Handle(op.Cf);
            if (op.IsDelete)
            {
                rocksBatch.Delete(op.Key, handle);
            }
            else
            {
                rocksBatch.Put(op.Key, op.Value!, handle);
            }
        }

        _db.Write(rocksBatch, sync ? _syncWrite : _asyncWrite);
    }

    /// <inheritdoc />
    public IEngineSnapshot GetSnapshot()
    {
        lock (_readersGate)
        {
            ThrowIfDisposed();
            var snapshot = new RocksDbSnapshot(this, _db.CreateSnapshot());
            _openSnapshots.Add(snapshot);
            return snapshot;
        }
    }

    /// <summary>
    /// Closes the database, after closing the snapshots and iterators still open; using any of
    /// them afterwards throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_readersGate)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            // Iterators first, then the snapshots they were opened on, then the database.
            foreach (var iterator in _openIterators)
            {
                iterator.Close();
            }

            foreach (var snapshot in _openSnapshots)
            {
                snapshot.Close();
            }

            _openIterators.Clear();
            _openSnapshots.Clear();
        }

        _db.Dispose();
    }

    private ColumnFamilyHandle Handle(string cf)
    {
        ThrowIfDisposed();
        return _handles[ColumnFamily.Require(cf)];
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);

    private RocksDbIterator OpenIterator(string cf, ReadOptions read)
    {
        lock (_readersGate)
        {
            var iterator = new RocksDbIterator(this, _db.NewIterator(Handle(cf), read));
            _openIterators.Add(iterator);
            return iterator;
        }
    }

    /// <summary>Closes a snapshot the caller disposes, unless the engine has closed it already.</summary>
    private void Release(RocksDbSnapshot snapshot)
    {
        lock (_readersGate)
        {
            if (_openSnapshots.Remove(snapshot))
            {
                snapshot.Close();
            }
        }
    }

    /// <summary>Closes an iterator the caller disposes, unless the engine has closed it already.</summary>
    private void Release(RocksDbIterator iterator)
    {
        lock (_readersGate)
        {
            if (_openIterators.Remove(iterator))
            {
                iterator.Close();
            }
        }
    }

    private sealed class RocksDbSnapshot : IEngineSnapshot
    {
        private readonly RocksDbEngine _engine;
        private readonly RocksDbSharp.Snapshot _snapshot;
        private readonly ReadOptions _read;
        private volatile bool _disposed;

        public RocksDbSnapshot(RocksDbEngine engine, RocksDbSharp.Snapshot snapshot)
        {
            _engine = engine;
            _snapshot = snapshot;
            _read = new ReadOptions().SetSnapshot(snapshot);
        }

        public byte[]? Get(string cf, ReadOnlySpan<byte> key)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _engine._db.Get(key, _engine.Handle(cf), _read);
        }

        public IEngineIterator NewIterator(string cf)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _engine.OpenIterator(cf, _read);
        }

        public void Dispose() => _engine.Release(this);

        /// <summary>Releases the native snapshot; called once, under the engine's readers gate.</summary>
        public void Close()
        {
            _disposed = true;
            _snapshot.Dispose();
        }
    }

    private sealed class RocksDbIterator(RocksDbEngine engine, Iterator inner) : IEngineIterator
    {
        private bool _positioned;
        private volatile bool _disposed;

        public bool Valid
        {
            get
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _positioned && inner.Valid();
            }
        }

        public byte[] Key => Valid ? inner.Key() : throw NotValid();

        public byte[] Value => Valid ? inner.Value() : throw NotValid();

        public void SeekToFirst()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            inner.SeekToFirst();
            _positioned = true;
        }

        public void Seek(ReadOnlySpan<byte> key)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            inner.Seek(key);
            _positioned = true;
        }

        public void Next()
        {
            if (!Valid)
            {
                throw NotValid();
            }

            inner.Next();
        }

        public void Dispose() => engine.Release(this);

        /// <summary>Destroys the native iterator; called once, under the engine's readers gate.</summary>
        public void Close()
        {
            _disposed = true;
            inner.Dispose();
        }

        private static InvalidOperationException NotValid() =>
            new("the iterator is not on an entry; call Seek or SeekToFirst and check Valid");
    }
}
