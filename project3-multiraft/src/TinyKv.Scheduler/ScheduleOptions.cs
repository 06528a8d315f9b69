namespace TinyKv.Scheduler;

/// <summary>
/// The knobs of scheduling, with the course's defaults. Mutable, so an operator (or a test) can
/// change a limit while the scheduler runs; the cluster and the schedulers read it on every decision.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>How many replicas each region should have.</summary>
    public int MaxReplicas { get; set; } = 3;

    /// <summary>A store silent this long is down: its regions are re-replicated elsewhere, nothing moves to it.</summary>
    public TimeSpan MaxStoreDownTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many leader operators (leader transfers) may run at once.</summary>
    public int LeaderScheduleLimit { get; set; } = 4;

    /// <summary>How many region operators (peer moves) may run at once.</summary>
    public int RegionScheduleLimit { get; set; } = 2048;

    /// <summary>How many replica operators (the replica checker's) may run at once.</summary>
    public int ReplicaScheduleLimit { get; set; } = 64;

    /// <summary>A store with more pending peers than this receives no new peers.</summary>
    public int MaxPendingPeerCount { get; set; } = 16;

    /// <summary>A store handling more snapshots than this receives no new peers.</summary>
    public int MaxSnapshotCount { get; set; } = 3;

    /// <summary>How often the coordinator walks the regions with the replica checker and pushes pending operator steps.</summary>
    public TimeSpan PatrolRegionInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many regions one patrol round checks.</summary>
    public int PatrolRegionBatch { get; set; } = 128;
}
