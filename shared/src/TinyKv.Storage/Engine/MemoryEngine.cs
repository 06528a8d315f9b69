namespace TinyKv.Storage.Engine;

/// <summary>
/// An engine held in memory, for simulation and unit tests: deterministic, no threads, no
/// clock, no files. Each column family is a persistent sorted tree of entries; a write batch
/// builds new trees and publishes all three at once, so a snapshot is just the trees of the
/// moment — taken in constant time, consistent, and untouched by later writes.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: writes take a lock; reads never do. Keys and values are copied on the way in
/// and on the way out, as RocksDB does, so a caller that reuses or changes an array cannot
/// change what the engine holds.
/// </para>
/// <para>
/// Costs, with n keys in a column family: Get and Seek are O(log n), Next O(1) amortized; a
/// batch of m operations is O(m log n); a snapshot is O(1).
/// </para>
/// </remarks>
public sealed partial class MemoryEngine : IKvEngine
{
    private readonly Lock _writeLock = new();
    private volatile Tables _tables = Tables.Empty;
    private Tables _durable = Tables.Empty;
    private volatile bool _disposed;

    /// <summary>An engine that keeps every write across <see cref="Crash"/>.</summary>
    public MemoryEngine()
        : this(loseUnsyncedWrites: false)
    {
    }

    /// <summary>
    /// An engine; with <paramref name="loseUnsyncedWrites"/>, <see cref="Crash"/> forgets every
    /// write made since the last synced one, as a machine that loses power forgets what its
    /// disk had not flushed.
    /// </summary>
    public MemoryEngine(bool loseUnsyncedWrites) => LosesUnsyncedWrites = loseUnsyncedWrites;

    /// <summary>Whether <see cref="Crash"/> forgets the writes made since the last synced one.</summary>
    public bool LosesUnsyncedWrites { get; }

    /// <summary>How many non-empty batches were written (for measurements: writes per applied entry).</summary>
    public long Writes { get; private set; }

    /// <summary>How many of those writes asked for a sync.</summary>
    public long SyncedWrites { get; private set; }

    /// <inheritdoc />
    public byte[]? Get(string cf, ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        return _tables.Get(cf, key);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The new tables are built aside and published with one reference swap, so no reader
    /// ever sees half a batch. A synced write makes it and every earlier write durable: they
    /// survive <see cref="Crash"/>.
    /// </remarks>
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
            _tables = _tables.Apply(batch);
            Writes++;
            SyncedWrites += sync ? 1 : 0;
            if (sync || !LosesUnsyncedWrites)
            {
                _durable = _tables;
            }
        }
    }

    /// <summary>
    /// What a crash leaves of the engine: everything, or, for an engine that loses unsynced
    /// writes, the contents as of the last synced write. The engine stays usable afterwards,
    /// as the disk of a restarted store would be.
    /// </summary>
    public void Crash()
    {
        ThrowIfDisposed();
        lock (_writeLock)
        {
            _tables = _durable;
        }
    }

    /// <inheritdoc />
    public IEngineSnapshot GetSnapshot()
    {
        ThrowIfDisposed();
        return new MemorySnapshot(this, _tables);
    }

    /// <summary>
    /// Drops the data; every later call, on the engine or on its snapshots and iterators, throws
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _tables = Tables.Empty;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
