using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft.Testing;

/// <summary>
/// A member of a <see cref="RaftNetwork"/>: a Raft node, a black hole that swallows every
/// message (a node that is down), or a scripted peer (for tests of the network). A Raft converts implicitly, so
/// <c>new RaftNetwork(a, null, NetworkPeer.BlackHole)</c> reads like the scenario.
/// </summary>
public sealed class NetworkPeer
{
    private readonly Func<Message, IEnumerable<Message>>? _script;
    private readonly List<Message> _scriptOutbox = [];

    private NetworkPeer(RaftNode? raft, Func<Message, IEnumerable<Message>>? script = null) => (Raft, _script) = (raft, script);

    /// <summary>A peer that accepts every message and never answers.</summary>
    public static NetworkPeer BlackHole { get; } = new(null);

    /// <summary>The Raft node, or null for a black hole.</summary>
    public RaftNode? Raft { get; }

    public static implicit operator NetworkPeer(RaftNode raft) => FromRaft(raft);

    /// <summary>Wraps a Raft node.</summary>
    public static NetworkPeer FromRaft(RaftNode raft)
    {
        ArgumentNullException.ThrowIfNull(raft);
        return new NetworkPeer(raft);
    }

    /// <summary>
    /// A peer that is not a Raft node: it answers each message with what <paramref name="script"/>
    /// returns for it (the messages' senders are filled in by the test), for tests of the network itself.
    /// </summary>
    public static NetworkPeer Scripted(Func<Message, IEnumerable<Message>> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return new NetworkPeer(null, script);
    }

    internal void Step(Message message)
    {
        if (_script is not null)
        {
            _scriptOutbox.AddRange(_script(message));
            return;
        }

        if (Raft is null)
        {
            return;
        }

        try
        {
            Raft.Step(message);
        }
        catch (ProposalDroppedException)
        {
            // The original network ignores what Step returns; a dropped proposal is just lost.
        }
    }

    internal List<Message> ReadMessages()
    {
        if (Raft is not null)
        {
            return Raft.ReadMessages();
        }

        var sent = new List<Message>(_scriptOutbox);
        _scriptOutbox.Clear();
        return sent;
    }
}
