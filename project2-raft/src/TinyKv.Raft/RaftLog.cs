using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

/// <summary>
/// A node's view of the log: the entries persisted in storage plus those not yet persisted,
/// and the three marks that move along it.
/// </summary>
/// <remarks>
/// <code>
///   snapshot/first ..... applied ..... committed ..... stabled ..... last
///   --------|--------------------------------------------------------|
///                               log entries
/// </code>
/// <para>
/// For simplicity the log keeps every entry that was not compacted in memory (<see cref="Entries"/>),
/// the stable ones included; <see cref="Stabled"/> says how far they are persisted. Invariant:
/// <c>FirstIndex - 1 &lt;= Applied &lt;= Committed &lt;= LastIndex</c>.
/// </para>
/// </remarks>
public sealed partial class RaftLog
{
    private readonly IRaftStorage _storage;

    /// <summary>The index of <c>Entries[0]</c> (or of the next entry, when there is none).</summary>
    private ulong _offset;

    /// <summary>
    /// Creates the log of a node that starts on <paramref name="storage"/>: every stable entry
    /// is loaded and counts as stabled. <see cref="RaftNode"/> then sets the commit index from the
    /// hard state and the applied index from <see cref="Config.Applied"/> (or from the snapshot
    /// the storage starts with, see <see cref="StartAfterSnapshot"/>).
    /// </summary>
    public RaftLog(IRaftStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
#if TINYKV_REF_2AA
        var first = storage.FirstIndex();
        var last = storage.LastIndex();
        _offset = first;
        if (last >= first)
        {
            Entries.AddRange(storage.Entries(first, last + 1));
        }

        Stabled = last;
#else
        throw Todo.Slot("2AA", "load the stable entries from storage and set the stabled index; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>The storage behind the log (read-only for Raft).</summary>
    internal IRaftStorage Storage => _storage;

    /// <summary>Every entry not compacted yet, stable or not, from <see cref="FirstIndex"/> on.</summary>
    internal List<Entry> Entries { get; } = [];

    /// <summary>The highest index known to be stored on a quorum of nodes.</summary>
    public ulong Committed { get; internal set; }

    /// <summary>The highest index the application was told to apply. Invariant: <c>Applied &lt;= Committed</c>.</summary>
    public ulong Applied { get; internal set; }

    /// <summary>Entries up to this index are persisted in storage.</summary>
    public ulong Stabled { get; internal set; }

    /// <summary>A snapshot received from the leader and not yet handed to the application (2C).</summary>
    public Snapshot? PendingSnapshot { get; internal set; }

    /// <summary>The index of the first entry the log still holds.</summary>
    public ulong FirstIndex => _offset;

    /// <summary>The index of the last entry (the snapshot's index when the log holds none).</summary>
    public ulong LastIndex()
    {
#if TINYKV_REF_2AA
        return _offset + (ulong)Entries.Count - 1;
#else
        throw Todo.Slot("2AA", "return the index of the last entry; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>The term of the entry at <paramref name="index"/>.</summary>
    /// <exception cref="CompactedException">The entry was compacted into a snapshot.</exception>
    /// <exception cref="UnavailableException">The index is after the last entry.</exception>
    public ulong Term(ulong index)
    {
#if TINYKV_REF_2AA
        if (index >= _offset && index <= LastIndex())
        {
            return Entries[(int)(index - _offset)].Term;
        }

        if (index > LastIndex())
        {
            throw new UnavailableException();
        }

        if (index + 1 < _offset)
        {
            throw new CompactedException();
        }

        // index == FirstIndex - 1: the last compacted entry, whose term a snapshot remembers.
        if (PendingSnapshot is { Metadata: { } pending } && pending.Index == index)
        {
            return pending.Term;
        }

        return _storage.Term(index);
#else
        throw Todo.Slot("2AA", "look the term up in memory, or in storage for the entry just before the first; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>The term of the entry at <paramref name="index"/>, or false when it is compacted or beyond the last.</summary>
    public bool TryTerm(ulong index, out ulong term)
    {
        // The common misses (past the end, long compacted) are answered without an exception:
        // a follower behind its leader asks this for every append it cannot take yet.
        if (index > LastIndex() || index + 1 < FirstIndex)
        {
            term = 0;
            return false;
        }

        try
        {
            term = Term(index);
            return true;
        }
        catch (CompactedException)
        {
            term = 0;
            return false;
        }
        catch (UnavailableException)
        {
            term = 0;
            return false;
        }
    }

    /// <summary>The term of the last entry.</summary>
    public ulong LastTerm() => Term(LastIndex());

    /// <summary>True when the entry at <paramref name="index"/> exists and has <paramref name="term"/>.</summary>
    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var actual) && actual == term;

    /// <summary>
    /// True when a log ending at (<paramref name="lastTerm"/>, <paramref name="lastIndex"/>) is at
    /// least as up-to-date as this one: a higher last term wins, equal terms compare length
    /// (the election restriction, §5.4.1 of the Raft paper).
    /// </summary>
    public bool IsUpToDate(ulong lastTerm, ulong lastIndex)
    {
#if TINYKV_REF_2AB
        var myLastTerm = LastTerm();
        return lastTerm > myLastTerm || (lastTerm == myLastTerm && lastIndex >= LastIndex());
#else
        // Until 2AB every candidate counts as up to date: in the 2AA election tests no log holds
        // an entry, so the election restriction has nothing to compare yet.
        Todo.Pending("2AB", "compare last terms, then lengths (Raft paper §5.4.1); see the 2A handout, 'The election restriction'");
        return true;
#endif
    }

    public override string ToString() =>
        $"committed={Committed} applied={Applied} stabled={Stabled} first={FirstIndex} last={LastIndex()}";
}
