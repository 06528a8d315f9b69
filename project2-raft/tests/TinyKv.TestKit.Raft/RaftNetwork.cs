using TinyKv.Proto.Eraftpb;
using TinyKv.TestKit;

namespace TinyKv.Raft.Testing;

/// <summary>
/// An in-memory network of Raft nodes for tests. <see cref="Send"/> delivers messages
/// synchronously, breadth-first, until no node has anything left to say; filters drop
/// messages between nodes (<see cref="Drop"/>, <see cref="Cut"/>, <see cref="Isolate"/>), by
/// type (<see cref="Ignore"/>) or by any rule (<see cref="MessageHook"/>). Nodes are numbered
/// 1..n in the order given.
/// </summary>
public sealed class RaftNetwork
{
    private readonly SortedDictionary<ulong, NetworkPeer> _peers = [];
    private readonly SortedDictionary<ulong, MemoryStorage> _storages = [];
    private readonly Dictionary<(ulong From, ulong To), double> _drops = [];
    private readonly HashSet<MessageType> _ignored = [];
    private readonly Random _random;

    /// <summary>
    /// Builds a network of the given peers; a null peer becomes a fresh node (election 10
    /// ticks, heartbeat 1) on its own <see cref="MemoryStorage"/>. A Raft given here is
    /// renumbered to its position.
    /// </summary>
    public RaftNetwork(params NetworkPeer?[] peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        _random = TestSeed.Stream(0xD20F);
        var ids = RaftTestNodes.IdsBySize(peers.Length);
        for (var i = 0; i < peers.Length; i++)
        {
            var id = ids[i];
            var peer = peers[i];
            if (peer is null)
            {
                var storage = new MemoryStorage();
                _storages[id] = storage;
                _peers[id] = RaftTestNodes.NewRaft(id, ids, 10, 1, storage);
            }
            else
            {
                if (peer.Raft is { } raft)
                {
                    raft.Id = id;
                }

                _peers[id] = peer;
            }
        }
    }

    /// <summary>
    /// Called for every message about to be delivered; return false to drop it. Applied after
    /// the drop and ignore filters.
    /// </summary>
    public Func<Message, bool>? MessageHook { get; set; }

    /// <summary>The peers by id.</summary>
    public IReadOnlyDictionary<ulong, NetworkPeer> Peers => _peers;

    /// <summary>The Raft node with <paramref name="id"/>.</summary>
    /// <exception cref="InvalidOperationException">That peer is a black hole.</exception>
    public RaftNode Node(ulong id) =>
        _peers[id].Raft ?? throw new InvalidOperationException($"peer {id} is a black hole, not a Raft node");

    /// <summary>The storage of a node the network created itself (from a null peer).</summary>
    public MemoryStorage Storage(ulong id) =>
        _storages.TryGetValue(id, out var storage)
            ? storage
            : throw new InvalidOperationException($"peer {id} was built by the test, so the network does not know its storage");

    /// <summary>
    /// Delivers the messages, then everything they cause, breadth-first, until the network is
    /// quiet: at most <see cref="MaxDeliveries"/> messages, so an exchange that never ends (a
    /// node answering what it should ignore) fails the test instead of hanging it.
    /// </summary>
    /// <exception cref="NetworkNotQuietException">The nodes were still talking after <see cref="MaxDeliveries"/> messages.</exception>
    public void Send(params Message[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var queue = new Queue<Message>(messages);
        var recent = new Queue<Message>(NetworkNotQuietException.Shown);
        var delivered = 0;
        while (queue.TryDequeue(out var message))
        {
            if (++delivered > MaxDeliveries)
            {
                throw new NetworkNotQuietException(MaxDeliveries, recent, queue.Count + 1);
            }

            if (recent.Count == NetworkNotQuietException.Shown)
            {
                recent.Dequeue();
            }

            recent.Enqueue(message);
            var peer = _peers[message.To];
            peer.Step(message);
            foreach (var next in Filter(peer.ReadMessages()))
            {
                queue.Enqueue(next);
            }
        }
    }

    /// <summary>
    /// The most messages one <see cref="Send"/> delivers. Every exchange of a correct
    /// implementation in the course's tests takes fewer than 200.
    /// </summary>
    public int MaxDeliveries { get; init; } = 10_000;

    /// <summary>Drops the given fraction (0..1; 1 or more drops all) of the messages from one node to another.</summary>
    public void Drop(ulong from, ulong to, double fraction) => _drops[(from, to)] = fraction;

    /// <summary>Drops every message between two nodes, both ways.</summary>
    public void Cut(ulong one, ulong other)
    {
        Drop(one, other, 2.0);
        Drop(other, one, 2.0);
    }

    /// <summary>Drops every message to and from a node.</summary>
    public void Isolate(ulong id)
    {
        foreach (var other in _peers.Keys)
        {
            if (other != id)
            {
                Drop(id, other, 1.0);
                Drop(other, id, 1.0);
            }
        }
    }

    /// <summary>Drops every message of a type.</summary>
    public void Ignore(MessageType type) => _ignored.Add(type);

    /// <summary>Removes every drop and ignore filter (not the hook).</summary>
    public void Recover()
    {
        _drops.Clear();
        _ignored.Clear();
    }

    private List<Message> Filter(List<Message> messages)
    {
        var kept = new List<Message>(messages.Count);
        foreach (var message in messages)
        {
            if (_ignored.Contains(message.MsgType))
            {
                continue;
            }

            if (message.MsgType == MessageType.MsgHup)
            {
                throw new InvalidOperationException($"node {message.From} sent MsgHup over the network; it is a local message");
            }

            // Draw for every message, so a filter added later does not change what earlier ones drop.
            var draw = _random.NextDouble();
            if (_drops.TryGetValue((message.From, message.To), out var fraction) && draw < fraction)
            {
                continue;
            }

            if (MessageHook is { } hook && !hook(message))
            {
                continue;
            }

            kept.Add(message);
        }

        return kept;
    }
}
