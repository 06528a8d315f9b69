namespace TinyKv.RaftStore;

/// <summary>
/// The knobs of a store. Times are in microseconds of the store's <see cref="Runtime.IScheduler"/>
/// (virtual in the simulator). <see cref="ForTests"/> has the values of the original course's
/// test configuration.
/// </summary>
public sealed record RaftStoreConfig
{
    /// <summary>The interval of the raft base tick (one <c>RawNode.Tick</c>).</summary>
    public long RaftBaseTickMicros { get; init; } = 1_000_000;

    /// <summary>Heartbeat interval, in base ticks.</summary>
    public int RaftHeartbeatTicks { get; init; } = 2;

    /// <summary>Election timeout, in base ticks.</summary>
    public int RaftElectionTimeoutTicks { get; init; } = 10;

    /// <summary>
    /// Whether a leader answers reads by ReadIndex (Raft dissertation §6.4) instead of through the
    /// log: it notes its commit index, confirms with a round of heartbeats that a majority still
    /// follows it, and reads once it applied up to that index. Off by default and in the course's
    /// graded tests, whose reads go through the log as stage 2B builds them; the server turns it on.
    /// </summary>
    public bool ReadIndexReads { get; init; }

    /// <summary>The interval at which a leader considers compacting its raft log.</summary>
    public long RaftLogGcTickMicros { get; init; } = 10_000_000;

    /// <summary>A leader proposes a log compaction once more than this many applied entries are in the log.</summary>
    public ulong RaftLogGcCountLimit { get; init; } = 128_000;

    /// <summary>The interval at which a leader reports its region to the scheduler.</summary>
    public long SchedulerHeartbeatTickMicros { get; init; } = 10_000_000;

    /// <summary>How long applying a snapshot's data takes on the region worker (0: at once).</summary>
    public long SnapshotApplyDelayMicros { get; init; }

    /// <summary>The largest piece of snapshot data sent in one chunk.</summary>
    public int SnapshotChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>The interval at which a leader considers checking whether its region should split.</summary>
    public long SplitRegionCheckTickMicros { get; init; } = 10_000_000;

    /// <summary>How often the store reports itself to the scheduler.</summary>
    public long StoreHeartbeatTickMicros { get; init; } = 10_000_000;

    /// <summary>A region whose data passes this many bytes splits.</summary>
    public ulong RegionMaxSize { get; init; } = 144UL * 1024 * 1024;

    /// <summary>Where a region splits: its left half keeps a little more than this many bytes.</summary>
    public ulong RegionSplitSize { get; init; } = 96UL * 1024 * 1024;

    /// <summary>
    /// A leader checks its region again only after it applied this many bytes of writes since the
    /// last check (a sixteenth of the split size, as in the original course).
    /// </summary>
    public ulong RegionSplitCheckDiff => RegionSplitSize / 16;

    /// <summary>The values of the original course's test configuration: 50 ms ticks, a 500 ms election timeout.</summary>
    public static RaftStoreConfig ForTests { get; } = new()
    {
        RaftBaseTickMicros = 50_000,
        RaftHeartbeatTicks = 2,
        RaftElectionTimeoutTicks = 10,
        RaftLogGcTickMicros = 50_000,
        RaftLogGcCountLimit = 128_000,
        SchedulerHeartbeatTickMicros = 100_000,
        SnapshotChunkBytes = 4096,
        SplitRegionCheckTickMicros = 100_000,
        StoreHeartbeatTickMicros = 500_000,
    };
}
