using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>
/// An <see cref="IRaftStorage"/> kept in memory: what the tests and the benchmarks run on, and
/// the model a persistent storage follows. Not thread-safe: one owner drives it, like the
/// <see cref="RawNode"/> it serves.
/// </summary>
/// <remarks>
/// <c>_entries[0]</c> is a dummy entry holding the index and term of the last compacted entry
/// (index 0, term 0 for a fresh storage); real entries start at <c>_entries[1]</c>.
/// </remarks>
public sealed class MemoryStorage : IRaftStorage
{
    private readonly List<Entry> _entries = [new Entry()];
    private HardState _hardState = new();
    private Snapshot _snapshot = new() { Metadata = new SnapshotMetadata { ConfState = new ConfState() } };

    /// <summary>Creates an empty storage: no entries, no snapshot, an empty hard state.</summary>
    public MemoryStorage()
    {
    }

    /// <summary>
    /// Creates a storage whose entry list is exactly <paramref name="entries"/>, the first one
    /// playing the dummy entry (tests use it to build a log that starts anywhere).
    /// </summary>
    public static MemoryStorage WithEntries(IEnumerable<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var storage = new MemoryStorage();
        storage._entries.Clear();
        storage._entries.AddRange(entries);
        if (storage._entries.Count == 0)
        {
            throw new ArgumentException("the entry list needs at least the dummy entry", nameof(entries));
        }

        return storage;
    }

    private ulong Offset => _entries[0].Index;

    /// <inheritdoc />
    public (HardState HardState, ConfState ConfState) InitialState() =>
        (_hardState.Clone(), _snapshot.Metadata.ConfState.Clone());

    /// <summary>Saves the hard state (what a <see cref="Ready"/> asks to persist).</summary>
    public void SetHardState(HardState hardState)
    {
        ArgumentNullException.ThrowIfNull(hardState);
        _hardState = hardState.Clone();
    }

    /// <inheritdoc />
    public IReadOnlyList<Entry> Entries(ulong lo, ulong hi)
    {
        if (lo <= Offset)
        {
            throw new CompactedException();
        }

        if (hi > LastIndex() + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hi), $"entries' hi ({hi}) is out of bound lastindex ({LastIndex()})");
        }

        if (_entries.Count == 1 && hi > lo)
        {
            throw new UnavailableException();
        }

        return _entries.GetRange((int)(lo - Offset), (int)(hi - lo));
    }

    /// <inheritdoc />
    public ulong Term(ulong index)
    {
        if (index < Offset)
        {
            throw new CompactedException();
        }

        if (index - Offset >= (ulong)_entries.Count)
        {
            throw new UnavailableException();
        }

        return _entries[(int)(index - Offset)].Term;
    }

    /// <inheritdoc />
    public ulong LastIndex() => Offset + (ulong)_entries.Count - 1;

    /// <inheritdoc />
    public ulong FirstIndex() => Offset + 1;

    /// <inheritdoc />
    public Snapshot Snapshot() => _snapshot.Clone();

    /// <summary>
    /// Replaces the storage's contents with a snapshot: every entry goes, the snapshot's index
    /// and term become the new dummy entry.
    /// </summary>
    /// <exception cref="SnapshotOutOfDateException">The storage already has a newer snapshot.</exception>
    public void ApplySnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_snapshot.Metadata.Index >= snapshot.Metadata.Index)
        {
            throw new SnapshotOutOfDateException();
        }

        _snapshot = snapshot.Clone();
        _entries.Clear();
        _entries.Add(new Entry { Term = snapshot.Metadata.Term, Index = snapshot.Metadata.Index });
    }

    /// <summary>
    /// Makes a snapshot of the state up to <paramref name="index"/> (which must be applied) and
    /// keeps it as the storage's snapshot. Compact separately to drop the covered entries.
    /// </summary>
    /// <exception cref="SnapshotOutOfDateException">The storage already has a snapshot at or after <paramref name="index"/>.</exception>
    public Snapshot CreateSnapshot(ulong index, ConfState? confState, byte[]? data)
    {
        if (index <= _snapshot.Metadata.Index)
        {
            throw new SnapshotOutOfDateException();
        }

        if (index > LastIndex())
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"snapshot {index} is out of bound lastindex ({LastIndex()})");
        }

        _snapshot.Metadata.Index = index;
        _snapshot.Metadata.Term = _entries[(int)(index - Offset)].Term;
        if (confState is not null)
        {
            _snapshot.Metadata.ConfState = confState.Clone();
        }

        _snapshot.Data = data is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(data);
        return _snapshot.Clone();
    }

    /// <summary>
    /// Drops every entry before <paramref name="compactIndex"/>; the entry at it becomes the
    /// dummy entry. The application compacts only what a snapshot covers.
    /// </summary>
    /// <exception cref="CompactedException">Everything up to the index is already compacted.</exception>
    public void Compact(ulong compactIndex)
    {
        if (compactIndex <= Offset)
        {
            throw new CompactedException();
        }

        if (compactIndex > LastIndex())
        {
            throw new ArgumentOutOfRangeException(nameof(compactIndex), $"compact {compactIndex} is out of bound lastindex ({LastIndex()})");
        }

        var keepFrom = (int)(compactIndex - Offset);
        var dummy = new Entry { Index = _entries[keepFrom].Index, Term = _entries[keepFrom].Term };
        _entries.RemoveRange(0, keepFrom + 1);
        _entries.Insert(0, dummy);
    }

    /// <summary>
    /// Persists entries (what a <see cref="Ready"/> asks to save): entries already compacted are
    /// skipped, and an entry at an index the storage has replaces it and everything after it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entries would leave a gap after the last stored entry.</exception>
    public void Append(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var first = FirstIndex();
        var last = entries[0].Index + (ulong)entries.Count - 1;
        if (last < first)
        {
            return; // Everything is already compacted.
        }

        var skip = first > entries[0].Index ? (int)(first - entries[0].Index) : 0;
        var start = entries[skip].Index - Offset;
        if (start > (ulong)_entries.Count)
        {
            throw new InvalidOperationException($"missing log entry [last: {LastIndex()}, append at: {entries[skip].Index}]");
        }

        _entries.RemoveRange((int)start, _entries.Count - (int)start);
        for (var i = skip; i < entries.Count; i++)
        {
            _entries.Add(entries[i]);
        }
    }
}
