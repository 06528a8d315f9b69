using TinyKv.Proto.Eraftpb;

namespace TinyKv.Raft.Testing;

/// <summary>
/// A member of a <see cref="RaftNetwork"/>: a Raft node, or a black hole that swallows every
/// message (a node that is down). A Raft converts implicitly, so
/// <c>new RaftNetwork(a, null, NetworkPeer.BlackHole)</c> reads like the scenario.
/// </summary>
public sealed class NetworkPeer
{
    private NetworkPeer(RaftNode? raft) => Raft = raft;

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

    internal void Step(Message message)
    {
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

    internal List<Message> ReadMessages() => Raft is null ? [] : Raft.ReadMessages();
}
