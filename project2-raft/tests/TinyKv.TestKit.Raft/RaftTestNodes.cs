using System.Text;
using TinyKv.Proto.Eraftpb;
using TinyKv.TestKit;

namespace TinyKv.Raft.Testing;

/// <summary>
/// Builders for Raft nodes in tests, with the shapes the original course's tests use: a node
/// from ids and ticks, a node whose log holds entries of given terms, a node that voted.
/// Every node draws its election timeouts from its own stream of <see cref="TestSeed"/>.
/// </summary>
public static class RaftTestNodes
{
    /// <summary>The ids 1..<paramref name="size"/>.</summary>
    public static ulong[] IdsBySize(int size) => [.. Enumerable.Range(1, size).Select(i => (ulong)i)];

    /// <summary>A configuration for node <paramref name="id"/> of <paramref name="peers"/>.</summary>
    public static Config Config(ulong id, IReadOnlyList<ulong> peers, int election, int heartbeat, IRaftStorage storage, ulong applied = 0) =>
        new()
        {
            Id = id,
            Peers = peers,
            ElectionTick = election,
            HeartbeatTick = heartbeat,
            Storage = storage,
            Applied = applied,
            Random = TestSeed.Stream(id),
        };

    /// <summary>A fresh node (a follower in term 0, unless the storage remembers more).</summary>
    public static RaftNode NewRaft(ulong id, IReadOnlyList<ulong> peers, int election, int heartbeat, IRaftStorage storage) =>
        new(Config(id, peers, election, heartbeat, storage));

    /// <summary>
    /// A node whose storage holds one entry per term given (index 1, 2, …), in the term of the
    /// last entry; election 5 ticks, heartbeat 1.
    /// </summary>
    public static RaftNode WithEntries(ulong id, IReadOnlyList<ulong> peers, params ulong[] terms)
    {
        var storage = new MemoryStorage();
        for (var i = 0; i < terms.Length; i++)
        {
            storage.Append([new Entry { Index = (ulong)i + 1, Term = terms[i] }]);
        }

        var raft = NewRaft(id, peers, 5, 1, storage);
        raft.Term = terms[^1];
        return raft;
    }

    /// <summary>A node that voted for <paramref name="vote"/> in <paramref name="term"/> and holds no entries; election 5 ticks, heartbeat 1.</summary>
    public static RaftNode Voted(ulong id, IReadOnlyList<ulong> peers, ulong vote, ulong term)
    {
        var storage = new MemoryStorage();
        storage.SetHardState(new HardState { Vote = vote, Term = term });
        var raft = NewRaft(id, peers, 5, 1, storage);
        raft.Term = term;
        return raft;
    }

    /// <summary>
    /// Plays the application for one round without a RawNode: persists the unstable entries,
    /// takes the committed ones and marks them applied. Returns the committed entries.
    /// </summary>
    public static List<Entry> NextEntries(RaftNode raft, MemoryStorage storage)
    {
        storage.Append(raft.RaftLog.UnstableEntries());
        raft.RaftLog.Stabled = raft.RaftLog.LastIndex();
        var entries = raft.RaftLog.NextEntries();
        raft.RaftLog.Applied = raft.RaftLog.Committed;
        return entries;
    }

    /// <summary>A log as text (commit, applied, one line per entry), to compare two logs with a readable diff.</summary>
    public static string Describe(RaftLog log)
    {
        var text = new StringBuilder();
        text.Append("committed: ").Append(log.Committed).Append('\n');
        text.Append("applied: ").Append(log.Applied).Append('\n');
        foreach (var entry in log.Entries)
        {
            text.Append('#').Append(entry.Index).Append(": term ").Append(entry.Term)
                .Append(' ').Append(entry.EntryType).Append(" data=").Append(entry.Data.ToBase64()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The log a fresh storage holding <paramref name="entries"/> (after the dummy entry) gives, committed up to <paramref name="committed"/>.</summary>
    public static RaftLog LogOf(ulong committed, params Entry[] entries)
    {
        var log = new RaftLog(MemoryStorage.WithEntries([new Entry(), .. entries]));
        log.Committed = committed;
        return log;
    }

    /// <summary>Takes the messages a node wants sent, sorted the way the original tests sort them (by text).</summary>
    public static List<Message> ReadSortedMessages(RaftNode raft) =>
        [.. raft.ReadMessages().OrderBy(m => m.ToString(), StringComparer.Ordinal)];

    /// <summary>Takes the messages a node wants sent, in the order it queued them.</summary>
    public static List<Message> ReadMessages(RaftNode raft) => raft.ReadMessages();
}
