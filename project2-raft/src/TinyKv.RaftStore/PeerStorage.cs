using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Raft;
using TinyKv.RaftStore.Meta;
using TinyKv.RaftStore.Snap;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// The storage of one peer, as Raft sees it (<see cref="IRaftStorage"/>): the log entries and
/// the hard state live in the raft engine (<see cref="RaftState"/>), the applied index and the
/// truncated state in the kv engine (<see cref="ApplyState"/>), the region in the kv engine too.
/// </summary>
/// <remarks>
/// The log this storage holds runs from <see cref="FirstIndex"/> (one past the truncated
/// index) to <see cref="LastIndex"/>; older entries were compacted into a snapshot (2C).
/// Stage 2B writes <see cref="Append"/> and <see cref="SaveReadyState"/>; stage 2C the
/// snapshot parts.
/// </remarks>
public sealed partial class PeerStorage : IRaftStorage
{
    /// <summary>Opens the storage of the peer of <paramref name="region"/> on a store with <paramref name="engines"/>.</summary>
    /// <param name="engines">The store's engines.</param>
    /// <param name="region">The region as the store knows it.</param>
    /// <param name="snapshotFiles">The store's snapshot files: where generated snapshots are kept and received ones are found (2C).</param>
    /// <param name="worker">The loop snapshot generation runs on (the region worker of the original course).</param>
    /// <param name="tag">A label for messages: region and peer.</param>
    /// <exception cref="InvalidOperationException">The stored states contradict each other (the raft log ends before the applied index).</exception>
    public PeerStorage(Engines engines, Region region, SnapshotFiles snapshotFiles, IScheduler worker, string tag)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(snapshotFiles);
        ArgumentNullException.ThrowIfNull(worker);
        Engines = engines;
        Region = region;
        SnapshotFiles = snapshotFiles;
        Worker = worker;
        Tag = tag;
        RaftState = MetaStore.InitRaftState(engines.Raft, region);
        ApplyState = MetaStore.InitApplyState(engines.Kv, region);
        if (RaftState.LastIndex < ApplyState.AppliedIndex)
        {
            throw new InvalidOperationException(
                $"{tag} unexpected raft log index: last index {RaftState.LastIndex} < applied index {ApplyState.AppliedIndex}");
        }
    }

    /// <summary>The engines of the store.</summary>
    public Engines Engines { get; }

    /// <summary>The region as this peer knows it.</summary>
    public Region Region { get; internal set; }

    /// <summary>A label for messages: region and peer.</summary>
    public string Tag { get; }

    /// <summary>The hard state and the last index and term of the log (persisted in the raft engine).</summary>
    public RaftLocalState RaftState { get; internal set; }

    /// <summary>The applied index and the truncated state (persisted in the kv engine).</summary>
    public RaftApplyState ApplyState { get; internal set; }

    /// <summary>The index of the last entry compacted away.</summary>
    public ulong TruncatedIndex => ApplyState.TruncatedState.Index;

    /// <summary>The term of the last entry compacted away.</summary>
    public ulong TruncatedTerm => ApplyState.TruncatedState.Term;

    /// <summary>The highest index applied to the kv engine.</summary>
    public ulong AppliedIndex => ApplyState.AppliedIndex;

    /// <summary>Whether the peer knows its region's peers (a peer created by a message does not, until a snapshot comes).</summary>
    public bool IsInitialized => Region.Peers.Count > 0;

    /// <inheritdoc/>
    public (HardState HardState, ConfState ConfState) InitialState()
    {
        var hardState = RaftState.HardState?.Clone() ?? new HardState();
        var confState = new ConfState();
        if (IsInitialized)
        {
            confState.Nodes.AddRange(Region.Peers.Select(p => p.Id));
        }

        return (hardState, confState);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Entry> Entries(ulong lo, ulong hi)
    {
        if (lo > hi)
        {
            throw new ArgumentOutOfRangeException(nameof(lo), $"{Tag} low {lo} is greater than high {hi}");
        }

        if (lo <= TruncatedIndex)
        {
            throw new CompactedException();
        }

        if (hi > LastIndex() + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hi), $"{Tag} entries' high {hi} is out of bound, last index {LastIndex()}");
        }

        var entries = new List<Entry>((int)(hi - lo));
        for (var index = lo; index < hi; index++)
        {
            var entry = MetaStore.RaftEntry(Engines.Raft, Region.Id, index);
            if (entry is null || entry.Index != index)
            {
                // A hole: the log GC or a race with a snapshot removed it.
                throw new UnavailableException();
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <inheritdoc/>
    public ulong Term(ulong index)
    {
        if (index == TruncatedIndex)
        {
            return TruncatedTerm;
        }

        if (index < TruncatedIndex)
        {
            throw new CompactedException();
        }

        if (index > LastIndex())
        {
            throw new UnavailableException();
        }

        if (index == RaftState.LastIndex)
        {
            return RaftState.LastTerm;
        }

        return (MetaStore.RaftEntry(Engines.Raft, Region.Id, index) ?? throw new UnavailableException()).Term;
    }

    /// <inheritdoc/>
    public ulong LastIndex() => RaftState.LastIndex;

    /// <inheritdoc/>
    public ulong FirstIndex() => TruncatedIndex + 1;

    /// <summary>
    /// Adds <paramref name="entries"/> (consecutive, from Raft's unstable log) to
    /// <paramref name="raftBatch"/>, removes any stored entries after the last of them (a new
    /// leader overwrote them), and updates the last index and term of <see cref="RaftState"/>.
    /// Entries at or before the truncated index are skipped: they were compacted already.
    /// </summary>
    public void Append(IReadOnlyList<Entry> entries, WriteBatch raftBatch)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(raftBatch);
#if TINYKV_REF_2B
        if (entries.Count == 0 || entries[^1].Index < FirstIndex())
        {
            return; // Nothing new: everything given was compacted away already.
        }

        var previousLast = LastIndex();
        foreach (var entry in entries)
        {
            if (entry.Index >= FirstIndex())
            {
                raftBatch.PutMessage(Keys.RaftLogKey(Region.Id, entry.Index), entry);
            }
        }

        var last = entries[^1];
        for (var index = last.Index + 1; index <= previousLast; index++)
        {
            raftBatch.Delete(ColumnFamily.Default, Keys.RaftLogKey(Region.Id, index));
        }

        RaftState.LastIndex = last.Index;
        RaftState.LastTerm = last.Term;
#else
        throw Todo.Slot("2B", "write the entries to the raft batch, delete the stored entries a new leader overwrote, update the last index and term; see the 2B handout, 'PeerStorage'");
#endif
    }

    /// <summary>
    /// Adds what a <see cref="Ready"/> asks to persist to <paramref name="raftBatch"/>: the new
    /// entries, the hard state, and the raft state that records them (and, in 2C, installs the
    /// ready's snapshot). The store writes the batch once for all its peers, synced, before any
    /// of them answers a message or applies an entry: after a crash, Raft must find everything
    /// it was told was stable.
    /// </summary>
    /// <returns>What applying the ready's snapshot changed, or null when it had none.</returns>
    public ApplySnapshotResult? SaveReadyState(Ready ready, WriteBatch raftBatch)
    {
        ArgumentNullException.ThrowIfNull(ready);
        ArgumentNullException.ThrowIfNull(raftBatch);
#if TINYKV_REF_2B
        ApplySnapshotResult? result = null;
        if (ready.Snapshot is { Metadata: not null } snapshot && snapshot.Metadata.Index > 0)
        {
            var kvBatch = new WriteBatch();
            result = ApplySnapshot(snapshot, kvBatch, raftBatch);
            Engines.Kv.Write(kvBatch, sync: true);
        }

        if (result is null && ready.Entries.Count == 0 && ready.HardState is null)
        {
            return null; // Nothing to persist: a Ready of messages or committed entries only.
        }

        Append(ready.Entries, raftBatch);
        if (ready.HardState is { } hardState)
        {
            RaftState.HardState = hardState.Clone();
        }

        raftBatch.PutMessage(Keys.RaftStateKey(Region.Id), RaftState);
        return result;
#else
        throw Todo.Slot("2B", "add the ready's entries, hard state and raft state to the raft batch the store writes, synced, for all its peers (and, in 2C, install its snapshot); see the 2B handout, 'PeerStorage'");
#endif
    }

    /// <summary>Adds "delete every raft log entry, the raft state and the apply state of this peer" to the batches.</summary>
    public void ClearMeta(WriteBatch kvBatch, WriteBatch raftBatch)
    {
        ArgumentNullException.ThrowIfNull(kvBatch);
        ArgumentNullException.ThrowIfNull(raftBatch);
        for (var index = TruncatedIndex + 1; index <= LastIndex(); index++)
        {
            raftBatch.Delete(ColumnFamily.Default, Keys.RaftLogKey(Region.Id, index));
        }

        raftBatch.Delete(ColumnFamily.Default, Keys.RaftStateKey(Region.Id));
        kvBatch.Delete(ColumnFamily.Default, Keys.ApplyStateKey(Region.Id));
    }
}

/// <summary>What applying a snapshot changed: the region before and after.</summary>
public sealed record ApplySnapshotResult(Region PreviousRegion, Region Region);
