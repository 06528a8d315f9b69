using TinyKv.Scheduler.Storage;

namespace TinyKv.Scheduler;

/// <summary>
/// Hands out cluster-wide unique ids (for stores, regions and peers), increasing. Ids are
/// reserved in batches: before handing out the first id of a batch, the end of the batch is
/// saved, so a restarted allocator starts above every id it may have handed out, at the cost of
/// skipping the unused rest of a batch.
/// </summary>
/// <remarks>Not thread-safe; call it on the scheduler's loop (or guard it).</remarks>
public sealed class IdAllocator
{
    /// <summary>The default batch size.</summary>
    public const ulong DefaultBatch = 1000;

    private readonly SchedulerStorage _storage;
    private readonly ulong _batch;
    private ulong _last;
    private ulong _end;

    /// <summary>Creates an allocator that continues after the bound saved in <paramref name="storage"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is 0.</exception>
    public IdAllocator(SchedulerStorage storage, ulong batch = DefaultBatch)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentOutOfRangeException.ThrowIfZero(batch);
        _storage = storage;
        _batch = batch;
        _last = _end = storage.LoadAllocIdBound();
    }

    /// <summary>A new id, larger than every id this allocator (or an earlier one over the same storage) handed out.</summary>
    public ulong Alloc()
    {
        if (_last == _end)
        {
            var end = checked(_end + _batch);
            _storage.SaveAllocIdBound(end);
            _end = end;
        }

        return ++_last;
    }
}
