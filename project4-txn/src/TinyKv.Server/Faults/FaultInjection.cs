using Grpc.Core;

namespace TinyKv.Server.Faults;

/// <summary>
/// The faults a server can be told to simulate, for tests and experiments (<c>tinykv-server
/// --fault-injection</c>, the <c>Debug</c> service). One instance per server, shared by the parts
/// that talk to the network: the raft transport drops what it would send, the raft endpoint
/// discards what arrives, the client service refuses requests, and the scheduler client stops
/// its heartbeats while the store is isolated.
/// </summary>
/// <remarks>
/// A plain switch read on every message and request: reading it never blocks and takes no lock.
/// Nothing is torn down while isolated, so healing restores traffic on the connections as they
/// are, or on new ones the senders open by themselves.
/// </remarks>
public sealed class FaultInjection
{
    private int _isolated;

    /// <summary>Whether the store is cut off the network now.</summary>
    public bool IsIsolated => Volatile.Read(ref _isolated) == 1;

    /// <summary>Cuts the store off the network (<paramref name="isolated"/> true) or heals it; returns whether it was isolated before.</summary>
    public bool SetIsolated(bool isolated) => Interlocked.Exchange(ref _isolated, isolated ? 1 : 0) == 1;

    /// <summary>The error a client request gets while <paramref name="server"/> (e.g. "store 3") is isolated.</summary>
    public static RpcException Unavailable(string server) =>
        new(new Status(StatusCode.Unavailable, $"{server} is isolated (fault injection)"));
}
