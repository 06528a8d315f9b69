using System.Text;
using RocksDbSharp;
using TinyKv.Scheduler.Storage;

namespace TinyKv.SchedulerServer.Storage;

/// <summary>
/// The scheduler's key-value store in an embedded RocksDB database of its own (one directory):
/// keys are the storage's ASCII strings as UTF-8 bytes, so RocksDB's bytewise order is the
/// ordinal order <see cref="ISchedulerKv.LoadRange"/> promises.
/// </summary>
/// <remarks>
/// Every write is synced before it returns: the scheduler's bounds (ids, timestamps) must be on
/// disk before anything under them is handed out. Writes are few (a bound every few seconds, a
/// region when its heartbeat changes it), so the sync costs little. Safe to call from any thread,
/// though the server calls it from its loop only.
/// </remarks>
public sealed class RocksDbSchedulerKv : ISchedulerKv, IDisposable
{
    private readonly RocksDb _db;
    private readonly WriteOptions _sync = new WriteOptions().SetSync(true);
    private int _disposed;

    private RocksDbSchedulerKv(RocksDb db, string path)
    {
        _db = db;
        Path = path;
    }

    /// <summary>The database's directory, as a full path.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates) the database in <paramref name="path"/>.</summary>
    /// <exception cref="IOException">RocksDB cannot open the directory (another server holds its lock, no permission, corruption).</exception>
    public static RocksDbSchedulerKv Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(fullPath);
        try
        {
            return new RocksDbSchedulerKv(RocksDb.Open(new DbOptions().SetCreateIfMissing(true), fullPath), fullPath);
        }
        catch (RocksDbException ex)
        {
            throw new IOException($"cannot open the scheduler's RocksDB directory {fullPath}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public byte[]? Load(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        return _db.Get(Encoding.UTF8.GetBytes(key));
    }

    /// <inheritdoc />
    public void Save(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();
        _db.Put(Encoding.UTF8.GetBytes(key), value, null, _sync);
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        _db.Remove(Encoding.UTF8.GetBytes(key), null, _sync);
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, byte[]>> LoadRange(string startKey, string endKey, int limit)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        ArgumentNullException.ThrowIfNull(endKey);
        ThrowIfDisposed();
        var end = Encoding.UTF8.GetBytes(endKey);
        var result = new List<KeyValuePair<string, byte[]>>();
        var read = new ReadOptions().SetIterateUpperBound(end);
        using var iterator = _db.NewIterator(null, read);
        for (iterator.Seek(Encoding.UTF8.GetBytes(startKey)); iterator.Valid(); iterator.Next())
        {
            if (limit > 0 && result.Count >= limit)
            {
                break;
            }

            result.Add(new(Encoding.UTF8.GetString(iterator.Key()), iterator.Value()));
        }

        return result;
    }

    /// <summary>Closes the database; every save before this is on disk.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _db.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
}
