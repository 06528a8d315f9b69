using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft.Benchmarks;

/// <summary>
/// Three (or more) RawNodes wired together in memory: the application loop of a real store
/// without disks or sockets. Messages go straight from one node's Ready into another's Step
/// (no serialization), so the figures measure the Raft library and nothing else.
/// </summary>
internal sealed class InProcessCluster
{
    private const ulong CompactEvery = 8192;

    private readonly RawNode[] _nodes;
    private readonly MemoryStorage[] _storages;
    private readonly Queue<Message> _wire = new();

    public InProcessCluster(int size, int seed)
    {
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        _nodes = new RawNode[size];
        _storages = new MemoryStorage[size];
        for (var i = 0; i < size; i++)
        {
            _storages[i] = new MemoryStorage();
            _nodes[i] = new RawNode(new Config
            {
                Id = peers[i],
                Peers = peers,
                ElectionTick = 10,
                HeartbeatTick = 1,
                Storage = _storages[i],
                Random = new Random(seed + i),
            });
        }

        _nodes[0].Campaign();
        Stabilize();
        if (_nodes[0].Raft.State != StateType.Leader)
        {
            throw new InvalidOperationException("node 1 did not become leader");
        }
    }

    /// <summary>Readies handled since the cluster was built.</summary>
    public long Readies { get; private set; }

    /// <summary>Entries the leader's Readies asked to persist.</summary>
    public long LeaderEntriesPersisted { get; private set; }

    /// <summary>Readies of the leader that held entries to persist.</summary>
    public long LeaderReadiesWithEntries { get; private set; }

    /// <summary>Entries the leader applied.</summary>
    public long LeaderEntriesApplied { get; private set; }

    public void Propose(byte[] data) => _nodes[0].Propose(data);

    /// <summary>
    /// Proposes <paramref name="count"/> entries in one MsgPropose, the way a store batches the
    /// requests that arrived while it was busy: one append and one broadcast for the batch.
    /// </summary>
    public void ProposeBatch(byte[] data, int count)
    {
        if (count == 1)
        {
            Propose(data);
            return;
        }

        var message = new Message { MsgType = MessageType.MsgPropose, From = 1 };
        var payload = Google.Protobuf.ByteString.CopyFrom(data);
        for (var i = 0; i < count; i++)
        {
            message.Entries.Add(new Entry { Data = payload });
        }

        _nodes[0].Raft.Step(message);
    }

    /// <summary>Handles Readies and delivers messages until every node is idle.</summary>
    public void Stabilize()
    {
        bool busy;
        do
        {
            busy = false;
            for (var i = 0; i < _nodes.Length; i++)
            {
                busy |= HandleReady(i);
            }

            while (_wire.TryDequeue(out var message))
            {
                busy = true;
                _nodes[(int)message.To - 1].Step(message);
            }
        }
        while (busy);
    }

    private bool HandleReady(int i)
    {
        var node = _nodes[i];
        if (!node.HasReady())
        {
            return false;
        }

        var ready = node.Ready();
        Readies++;
        var storage = _storages[i];
        if (ready.HardState is { } hardState)
        {
            storage.SetHardState(hardState);
        }

        if (ready.Entries.Count > 0)
        {
            storage.Append(ready.Entries);
        }

        foreach (var message in ready.Messages)
        {
            _wire.Enqueue(message);
        }

        if (i == 0)
        {
            LeaderEntriesPersisted += ready.Entries.Count;
            LeaderReadiesWithEntries += ready.Entries.Count > 0 ? 1 : 0;
            LeaderEntriesApplied += ready.CommittedEntries.Count;
        }

        node.Advance(ready);
        var applied = node.Raft.RaftLog.Applied;
        if (applied >= storage.FirstIndex() + CompactEvery)
        {
            // Keep memory bounded the way a store does: snapshot, then compact the log.
            storage.CreateSnapshot(applied, null, null);
            storage.Compact(applied);
        }

        return true;
    }
}
