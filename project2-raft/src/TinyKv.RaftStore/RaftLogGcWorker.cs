using TinyKv.RaftStore.Meta;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// Deletes raft log entries that a CompactLog command truncated, off the peers' path: the
/// task runs later on the store's loop (a worker thread in the original course). Deleting is
/// safe because the truncated state, which says those entries are gone, was persisted first.
/// </summary>
public sealed class RaftLogGcWorker
{
    private readonly IKvEngine _raftEngine;
    private readonly IScheduler _scheduler;
    private readonly long _delayMicros;

    /// <summary>A worker deleting from <paramref name="raftEngine"/>, <paramref name="delayMicros"/> after each request.</summary>
    public RaftLogGcWorker(IKvEngine raftEngine, IScheduler scheduler, long delayMicros = 0)
    {
        _raftEngine = raftEngine ?? throw new ArgumentNullException(nameof(raftEngine));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _delayMicros = delayMicros;
    }

    /// <summary>How many entries the worker deleted so far.</summary>
    public long Deleted { get; private set; }

    /// <summary>Deletes the entries of region <paramref name="regionId"/> in [<paramref name="startIndex"/>, <paramref name="endIndex"/>).</summary>
    public void Schedule(ulong regionId, ulong startIndex, ulong endIndex)
    {
        if (endIndex <= startIndex)
        {
            return;
        }

        _scheduler.Schedule(_delayMicros, () => Delete(regionId, startIndex, endIndex));
    }

    private void Delete(ulong regionId, ulong startIndex, ulong endIndex)
    {
        var batch = new WriteBatch();
        for (var index = startIndex; index < endIndex; index++)
        {
            batch.Delete(ColumnFamily.Default, Keys.RaftLogKey(regionId, index));
        }

        _raftEngine.Write(batch, sync: true);
        Deleted += (long)(endIndex - startIndex);
    }
}
