using TinyKv.Proto.RaftServerpb;

namespace TinyKv.RaftStore;

/// <summary>
/// Sends raft messages to other stores: the simulated network in tests, gRPC streams in a
/// server. Sending never blocks and never throws for an unreachable store; a message may be
/// lost, delayed, duplicated or reordered, and Raft copes.
/// </summary>
public interface ITransport
{
    /// <summary>Sends <paramref name="message"/> to the store of <c>message.ToPeer</c>.</summary>
    void Send(RaftMessage message);
}
