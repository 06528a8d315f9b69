using TinyKv.Proto.Eraftpb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Snapshots of a peer's storage (2C).
public sealed partial class PeerStorage
{
    /// <inheritdoc/>
    public Snapshot Snapshot() =>
        throw Todo.Slot("2C", "generate a snapshot of the region from the kv engine; see the 2C handout, 'Snapshots'");

    /// <summary>
    /// Replaces this peer's log and data with <paramref name="snapshot"/>: adds to the batches the
    /// removal of the old log and data, the snapshot's data, and the new states.
    /// </summary>
    public ApplySnapshotResult ApplySnapshot(Snapshot snapshot, WriteBatch kvBatch, WriteBatch raftBatch)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(kvBatch);
        ArgumentNullException.ThrowIfNull(raftBatch);
        _ = Region;
        throw Todo.Slot("2C", "install the snapshot: clear the old log and data, write the snapshot's data and the new states; see the 2C handout, 'Snapshots'");
    }
}
