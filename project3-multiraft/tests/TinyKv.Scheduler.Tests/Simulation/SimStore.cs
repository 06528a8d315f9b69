namespace TinyKv.Scheduler.Tests.Simulation;

/// <summary>One simulated store: alive or down, and how many snapshots it is receiving right now.</summary>
internal sealed class SimStore(ulong id)
{
    public ulong Id { get; } = id;

    /// <summary>False once the store went down: it sends nothing and carries out nothing.</summary>
    public bool IsAlive { get; set; } = true;

    /// <summary>Snapshots being received for new peers on this store (reported in its store heartbeats).</summary>
    public uint ReceivingSnapshots { get; set; }
}
