using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// The log around snapshots: dropping what storage compacted, and starting over from a
// snapshot the leader sent (2C).
public sealed partial class RaftLog
{
    /// <summary>
    /// Drops from memory the entries the storage has compacted (they live in a snapshot now),
    /// so memory does not grow without bound. Called when the storage's first index moved past
    /// the log's.
    /// </summary>
    public void MaybeCompact()
    {
#if TINYKV_REF_2C
        var storageFirst = _storage.FirstIndex();
        if (storageFirst <= _offset)
        {
            return;
        }

        var drop = (int)Math.Min(storageFirst - _offset, (ulong)Entries.Count);
        Entries.RemoveRange(0, drop);
        _offset += (ulong)drop;
#else
        throw Todo.Slot("2C", "drop the in-memory entries the storage compacted; see the 2C handout, 'Log compaction'");
#endif
    }

    /// <summary>
    /// For a node restarted on a storage that begins with a snapshot, when the application did
    /// not say what it applied: everything the snapshot covers is committed and applied (a
    /// snapshot is the state machine after applying that prefix), so Raft hands out only the
    /// entries after it.
    /// </summary>
    public void StartAfterSnapshot()
    {
#if TINYKV_REF_2C
        var snapshotIndex = FirstIndex - 1;
        Committed = Math.Max(Committed, snapshotIndex);
        Applied = Math.Max(Applied, snapshotIndex);
#else
        throw Todo.Slot("2C", "count everything before the first index as committed and applied; see the 2C handout, 'Restarting from a snapshot'");
#endif
    }

    /// <summary>
    /// Starts the log over from a snapshot sent by the leader: every entry goes, the snapshot's
    /// index becomes committed, applied and stabled, and the snapshot waits in
    /// <see cref="PendingSnapshot"/> for the application to install it.
    /// </summary>
    public void Restore(Snapshot snapshot)
    {
#if TINYKV_REF_2C
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = snapshot.Metadata.Index;
        Entries.Clear();
        _offset = index + 1;
        Committed = index;
        Applied = index;
        Stabled = index;
        PendingSnapshot = snapshot;
#else
        throw Todo.Slot("2C", "replace the log with the snapshot and keep it as the pending snapshot; see the 2C handout, 'Installing a snapshot'");
#endif
    }
}
