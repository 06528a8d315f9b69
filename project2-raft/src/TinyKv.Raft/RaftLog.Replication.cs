using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft;

// The log as replication moves it: appending, resolving conflicts, committing, and handing
// entries out to be persisted and applied (2AB).
public sealed partial class RaftLog
{
    /// <summary>Every entry the log holds (not the dummy one before the first), as a new list.</summary>
    public List<Entry> AllEntries()
    {
#if TINYKV_REF_2AB
        return [.. Entries];
#else
        throw Todo.Slot("2AB", "return every entry the log holds; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>The entries not persisted yet (after <see cref="Stabled"/>), to hand out in a Ready.</summary>
    public List<Entry> UnstableEntries()
    {
#if TINYKV_REF_2AB
        return Slice(Math.Max(Stabled + 1, _offset), LastIndex() + 1);
#else
        throw Todo.Slot("2AB", "return the entries after the stabled index; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>The entries committed but not applied yet (after <see cref="Applied"/>, up to <see cref="Committed"/>).</summary>
    public List<Entry> NextEntries()
    {
#if TINYKV_REF_2AB
        return Slice(Math.Max(Applied + 1, _offset), Committed + 1);
#else
        throw Todo.Slot("2AB", "return the committed entries after the applied index; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>The entries in <c>[lo, hi)</c>; empty when <c>lo &gt;= hi</c>.</summary>
    /// <exception cref="CompactedException"><paramref name="lo"/> is before the first entry the log holds.</exception>
    public List<Entry> Slice(ulong lo, ulong hi)
    {
#if TINYKV_REF_2AB
        if (lo >= hi)
        {
            return [];
        }

        if (lo < _offset)
        {
            throw new CompactedException();
        }

        if (hi > LastIndex() + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hi), $"slice [{lo}, {hi}) is past the last index {LastIndex()}");
        }

        return Entries.GetRange((int)(lo - _offset), (int)(hi - lo));
#else
        throw Todo.Slot("2AB", "return the entries in [lo, hi) from memory; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>
    /// Appends entries after the last one (a leader appending its own proposals). The entries
    /// carry their indexes; the first must follow the last entry of the log.
    /// </summary>
    public void Append(IEnumerable<Entry> entries)
    {
#if TINYKV_REF_2AB
        foreach (var entry in entries)
        {
            if (entry.Index != LastIndex() + 1)
            {
                throw new InvalidOperationException($"entry {entry.Index} does not follow the last index {LastIndex()}");
            }

            Entries.Add(entry);
        }
#else
        throw Todo.Slot("2AB", "add the entries after the last one; see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>
    /// A follower's half of AppendEntries: when the log has an entry at <paramref name="prevIndex"/>
    /// with <paramref name="prevTerm"/>, it drops the first conflicting entry and everything after
    /// it, appends the entries it does not have, commits up to
    /// <c>min(<paramref name="leaderCommit"/>, index of the last new entry)</c> and returns that last
    /// new index. Returns null when the log does not match at <paramref name="prevIndex"/>.
    /// </summary>
    public ulong? MaybeAppend(ulong prevIndex, ulong prevTerm, ulong leaderCommit, IReadOnlyList<Entry> entries)
    {
#if TINYKV_REF_2AB
        if (!MatchTerm(prevIndex, prevTerm))
        {
            return null;
        }

        var lastNew = prevIndex + (ulong)entries.Count;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (MatchTerm(entry.Index, entry.Term))
            {
                continue; // Already in the log: appending it again would drop what follows it.
            }

            if (entry.Index <= LastIndex())
            {
                // A conflict: the leader's entry wins, ours and everything after it go.
                Entries.RemoveRange((int)(entry.Index - _offset), (int)(LastIndex() - entry.Index + 1));
                Stabled = Math.Min(Stabled, entry.Index - 1);
            }

            for (var j = i; j < entries.Count; j++)
            {
                Entries.Add(entries[j]);
            }

            break;
        }

        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
#else
        throw Todo.Slot("2AB", "check the previous entry, drop conflicts, append, advance the commit index; see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>Raises <see cref="Committed"/> to <paramref name="index"/>; never lowers it.</summary>
    /// <exception cref="InvalidOperationException">The index is past the last entry.</exception>
    public void CommitTo(ulong index)
    {
#if TINYKV_REF_2AB
        if (index <= Committed)
        {
            return;
        }

        if (index > LastIndex())
        {
            throw new InvalidOperationException($"commit index {index} is out of range [last index {LastIndex()}]; the log is corrupt, truncated or lost");
        }

        Committed = index;
#else
        throw Todo.Slot("2AB", "raise the commit index, never past the last entry; see the 2A handout, 'Log replication'");
#endif
    }

    /// <summary>
    /// A leader's commit rule: commits up to <paramref name="index"/> only when that entry is of
    /// <paramref name="term"/>, the leader's current term (Raft paper §5.4.2). Returns whether
    /// the commit index moved.
    /// </summary>
    public bool MaybeCommit(ulong index, ulong term)
    {
#if TINYKV_REF_2AB
        if (index > Committed && TryTerm(index, out var entryTerm) && entryTerm == term)
        {
            CommitTo(index);
            return true;
        }

        return false;
#else
        throw Todo.Slot("2AB", "commit only entries of the current term (Raft paper §5.4.2); see the 2A handout, 'Committing'");
#endif
    }

    /// <summary>Marks entries up to <paramref name="index"/> as persisted.</summary>
    public void StableTo(ulong index)
    {
#if TINYKV_REF_2AB
        Stabled = Math.Max(Stabled, index);
#else
        throw Todo.Slot("2AB", "record that entries up to the index are persisted; see the 2A handout, 'The log'");
#endif
    }

    /// <summary>Marks entries up to <paramref name="index"/> as applied.</summary>
    /// <exception cref="InvalidOperationException">The index is past the commit index.</exception>
    public void AppliedTo(ulong index)
    {
#if TINYKV_REF_2AB
        if (index > Committed)
        {
            throw new InvalidOperationException($"applied index {index} is past the commit index {Committed}");
        }

        Applied = Math.Max(Applied, index);
#else
        throw Todo.Slot("2AB", "record that entries up to the index are applied; see the 2A handout, 'The log'");
#endif
    }
}
