using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Raft;
using TinyKv.RaftStore.Meta;
using TinyKv.RaftStore.Snap;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Snapshots of a peer's storage: generating one for a lagging follower, installing one (2C).
public sealed partial class PeerStorage
{
    private Snapshot? _generated;
    private bool _generating;

    /// <summary>Where generated and received snapshot data is kept: the store's snapshot files.</summary>
    internal SnapshotFiles SnapshotFiles { get; }

    /// <summary>The loop snapshot generation runs on (the region worker of the original course).</summary>
    internal IScheduler Worker { get; }

    /// <summary>Whether the peer is gone (destroyed, or its store stopped): nothing is generated for it any more.</summary>
    internal bool Closed { get; set; }

    /// <summary>How many snapshots this storage generated.</summary>
    public int SnapshotsGenerated { get; private set; }

    /// <summary>
    /// A fresh snapshot of the region, for Raft to send to a follower whose next entry was
    /// compacted away (or a new peer with no log). Generating one takes time, so the first call
    /// starts the work on the worker and says "temporarily unavailable"; Raft asks again later
    /// and gets it. A snapshot is handed out once: the next follower that needs one gets one
    /// generated after it asked, so a peer added to the region finds itself in the snapshot's
    /// region (an older snapshot would make it replay its own earlier removal).
    /// </summary>
    /// <exception cref="SnapshotTemporarilyUnavailableException">The snapshot is being generated.</exception>
    public Snapshot Snapshot()
    {
        if (_generated is { } generated)
        {
            _generated = null;
            if (generated.Metadata.Index >= TruncatedIndex)
            {
                return generated;
            }
        }

        if (!_generating)
        {
            _generating = true;
            Worker.Post(GenerateSnapshot);
        }

        throw new SnapshotTemporarilyUnavailableException();
    }

    /// <summary>
    /// Builds a snapshot from a consistent view of the kv engine: its applied index and term,
    /// its region, and every pair of the region; the data goes to the snapshot files, the
    /// description into the snapshot.
    /// </summary>
    private void GenerateSnapshot()
    {
        _generating = false;
        if (Closed)
        {
            return; // The peer was destroyed (or its store stopped) after it asked.
        }

        using var view = Engines.Kv.GetSnapshot();
        var applyState = MetaStore.Get(view, Keys.ApplyStateKey(Region.Id), RaftApplyState.Parser)
            ?? throw new InvalidOperationException($"{Tag} has no apply state to snapshot");
        var regionState = MetaStore.Get(view, Keys.RegionStateKey(Region.Id), RegionLocalState.Parser)
            ?? throw new InvalidOperationException($"{Tag} has no region state to snapshot");
        var index = applyState.AppliedIndex;
        var term = index == applyState.TruncatedState.Index
            ? applyState.TruncatedState.Term
            : (MetaStore.RaftEntry(Engines.Raft, Region.Id, index) ?? throw new InvalidOperationException($"{Tag} lost entry {index}")).Term;
        var (data, meta) = SnapshotData.Build(view, regionState.Region);
        var key = new SnapKey(Region.Id, term, index);
        SnapshotFiles.DeleteOlder(Region.Id, index);
        SnapshotFiles.Put(key, data);
        var snapshot = new Snapshot
        {
            Metadata = new SnapshotMetadata { Index = index, Term = term, ConfState = new ConfState() },
            Data = new RaftSnapshotData { Region = regionState.Region, FileSize = (ulong)data.Length, Meta = meta }.ToByteString(),
        };
        snapshot.Metadata.ConfState.Nodes.AddRange(regionState.Region.Peers.Select(p => p.Id));
        _generated = snapshot;
        SnapshotsGenerated++;
    }

    /// <summary>
    /// Replaces this peer's log and data with <paramref name="snapshot"/>: adds to the batches the
    /// removal of the old log and data, the snapshot's data, and the new states.
    /// </summary>
    /// <exception cref="InvalidDataException">The snapshot's data is missing or damaged.</exception>
    public ApplySnapshotResult ApplySnapshot(Snapshot snapshot, WriteBatch kvBatch, WriteBatch raftBatch)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(kvBatch);
        ArgumentNullException.ThrowIfNull(raftBatch);
#if TINYKV_REF_2C
        var description = RaftSnapshotData.Parser.ParseFrom(snapshot.Data);
        var metadata = snapshot.Metadata;
        var key = new SnapKey(Region.Id, metadata.Term, metadata.Index);
        var data = SnapshotFiles.Get(key) ?? throw new InvalidDataException($"{Tag} has no data for snapshot {key}");
        if (IsInitialized)
        {
            ClearMeta(kvBatch, raftBatch);
            SnapshotData.DeleteRange(Engines.Kv, Region, kvBatch);
        }

        SnapshotData.WriteTo(kvBatch, data, description.Meta);
        var previous = Region;
        Region = description.Region.Clone();
        RaftState.LastIndex = metadata.Index;
        RaftState.LastTerm = metadata.Term;
        ApplyState.AppliedIndex = metadata.Index;
        ApplyState.TruncatedState.Index = metadata.Index;
        ApplyState.TruncatedState.Term = metadata.Term;
        kvBatch.PutMessage(Keys.ApplyStateKey(Region.Id), ApplyState);
        kvBatch.PutRegionState(Region, PeerState.Normal);
        SnapshotFiles.Delete(key);
        return new ApplySnapshotResult(previous, Region);
#else
        throw Todo.Slot("2C", "install the snapshot: clear the old log and data, write the snapshot's data and the new raft, apply and region states; see the 2C handout, 'Installing a snapshot on a store'");
#endif
    }
}
