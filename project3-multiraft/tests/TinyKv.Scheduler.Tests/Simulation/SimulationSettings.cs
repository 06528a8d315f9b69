namespace TinyKv.Scheduler.Tests.Simulation;

/// <summary>How the simulated stores behave: heartbeat periods, delays, how fast data arrives and when a region splits.</summary>
internal sealed record SimulationSettings
{
    /// <summary>How often a live store sends its statistics.</summary>
    public TimeSpan StoreHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a region's leader reports the region when nothing changed (it reports at once after a change).</summary>
    public TimeSpan RegionHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a heartbeat or a command spends on the network.</summary>
    public TimeSpan MaxNetworkDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The chance that a copy of a region heartbeat is held back and arrives late, after newer ones.</summary>
    public double LateReportChance { get; init; } = 0.05;

    /// <summary>The longest a held-back heartbeat arrives late.</summary>
    public TimeSpan MaxLateReportDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest a command takes through the region's Raft log before it applies.</summary>
    public TimeSpan MaxRaftDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long the followers of a region whose leader's store went down wait before one of them takes over (at least; up to twice).</summary>
    public TimeSpan ElectionTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a new peer's snapshot takes at least; it takes <see cref="SnapshotTimePerMiB"/> more per MiB of the region.</summary>
    public TimeSpan SnapshotBaseTime { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How much longer a snapshot takes per MiB of the region.</summary>
    public TimeSpan SnapshotTimePerMiB { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often a write lands on a random region while writes run.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most one write adds to a region, in bytes.</summary>
    public long MaxWriteBytes { get; init; } = 1L << 20;

    /// <summary>A region larger than this (bytes) splits in two at the middle of its key range.</summary>
    public long MaxRegionSize { get; init; } = 48L << 20;
}
