using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>
/// Where Raft's stable state lives: the hard state, the entries that were persisted, and the
/// latest snapshot. Raft only reads it; the application writes to it while handling a
/// <see cref="Ready"/> (stage 2B backs it with the raft engine, tests with <see cref="MemoryStorage"/>).
/// </summary>
/// <remarks>
/// Index arithmetic follows the original course: the entry at <c>FirstIndex() - 1</c> is the
/// last one compacted away (or a dummy entry at index 0), and its term is still known, so
/// <c>Term(FirstIndex() - 1)</c> answers. Methods throw <see cref="CompactedException"/> for
/// indexes before that and <see cref="UnavailableException"/> for indexes after the last entry.
/// </remarks>
public interface IRaftStorage
{
    /// <summary>The persisted hard state (term, vote, commit) and the configuration (peers).</summary>
    (HardState HardState, ConfState ConfState) InitialState();

    /// <summary>The entries in <c>[lo, hi)</c>; <c>lo</c> must be at least <see cref="FirstIndex"/>.</summary>
    /// <exception cref="CompactedException"><paramref name="lo"/> was compacted away.</exception>
    /// <exception cref="UnavailableException">Some of the range is not in the storage.</exception>
    IReadOnlyList<Entry> Entries(ulong lo, ulong hi);

    /// <summary>The term of the entry at <paramref name="index"/>, in <c>[FirstIndex()-1, LastIndex()]</c>.</summary>
    /// <exception cref="CompactedException">The index is before the compaction point.</exception>
    /// <exception cref="UnavailableException">The index is after the last entry.</exception>
    ulong Term(ulong index);

    /// <summary>The index of the last entry in the storage.</summary>
    ulong LastIndex();

    /// <summary>The index of the first entry that may still be read (older ones were compacted into a snapshot).</summary>
    ulong FirstIndex();

    /// <summary>The most recent snapshot, for a leader to send to a follower that is too far behind.</summary>
    /// <exception cref="SnapshotTemporarilyUnavailableException">The snapshot is still being generated; ask again later.</exception>
    Snapshot Snapshot();
}
