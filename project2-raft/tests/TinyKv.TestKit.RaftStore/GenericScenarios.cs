namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// The generic cluster tests of stages 2B, 2C and 3B with the knobs the original course gives
/// them: one definition, used by the tests and by the benchmark that times them.
/// </summary>
public static class GenericScenarios
{
    /// <summary>The raft log limit of the 2C tests (and of the 3B tests with snapshots).</summary>
    public const int SnapshotLogLimit = 100;

    /// <summary>2B: one client, a healthy network.</summary>
    public static ScenarioOptions Basic { get; } = new() { Clients = 1 };

    /// <summary>2B: five clients at once.</summary>
    public static ScenarioOptions Concurrent { get; } = new() { Clients = 5 };

    /// <summary>2B: five clients, messages dropped.</summary>
    public static ScenarioOptions Unreliable { get; } = new() { Clients = 5, Unreliable = true };

    /// <summary>2B: one client, the network cut in random halves.</summary>
    public static ScenarioOptions ManyPartitionsOneClient { get; } = new() { Clients = 1, Partitions = true };

    /// <summary>2B: five clients, the network cut in random halves.</summary>
    public static ScenarioOptions ManyPartitionsManyClients { get; } = new() { Clients = 5, Partitions = true };

    /// <summary>2B: one client, every store crashes after each iteration.</summary>
    public static ScenarioOptions PersistOneClient { get; } = new() { Clients = 1, Crash = true };

    /// <summary>2B: five clients, crashes.</summary>
    public static ScenarioOptions PersistConcurrent { get; } = new() { Clients = 5, Crash = true };

    /// <summary>2B: five clients, crashes, dropped messages.</summary>
    public static ScenarioOptions PersistConcurrentUnreliable { get; } = new() { Clients = 5, Unreliable = true, Crash = true };

    /// <summary>2B: five clients, crashes, partitions.</summary>
    public static ScenarioOptions PersistPartition { get; } = new() { Clients = 5, Crash = true, Partitions = true };

    /// <summary>2B: five clients, crashes, partitions, dropped messages.</summary>
    public static ScenarioOptions PersistPartitionUnreliable { get; } = new() { Clients = 5, Unreliable = true, Crash = true, Partitions = true };

    /// <summary>2C: one client, crashes, a short log.</summary>
    public static ScenarioOptions SnapshotRecover { get; } = new() { Clients = 1, Crash = true, MaxRaftLog = SnapshotLogLimit };

    /// <summary>2C: twenty clients, crashes, a short log.</summary>
    public static ScenarioOptions SnapshotRecoverManyClients { get; } = new() { Clients = 20, Crash = true, MaxRaftLog = SnapshotLogLimit };

    /// <summary>2C: five clients, dropped messages, a short log.</summary>
    public static ScenarioOptions SnapshotUnreliable { get; } = new() { Clients = 5, Unreliable = true, MaxRaftLog = SnapshotLogLimit };

    /// <summary>2C: five clients, dropped messages, crashes, a short log.</summary>
    public static ScenarioOptions SnapshotUnreliableRecover { get; } = new() { Clients = 5, Unreliable = true, Crash = true, MaxRaftLog = SnapshotLogLimit };

    /// <summary>2C: five clients, dropped messages, crashes, partitions, a short log.</summary>
    public static ScenarioOptions SnapshotUnreliableRecoverConcurrentPartition { get; } =
        new() { Clients = 5, Unreliable = true, Crash = true, Partitions = true, MaxRaftLog = SnapshotLogLimit };

    /// <summary>3B: one client, crashes, peers added and removed.</summary>
    public static ScenarioOptions ConfChangeRecover { get; } = new() { Clients = 1, Crash = true, ConfChange = true };

    /// <summary>3B: twenty clients, crashes, peers added and removed.</summary>
    public static ScenarioOptions ConfChangeRecoverManyClients { get; } = new() { Clients = 20, Crash = true, ConfChange = true };

    /// <summary>3B: five clients, dropped messages, peers added and removed.</summary>
    public static ScenarioOptions ConfChangeUnreliable { get; } = new() { Clients = 5, Unreliable = true, ConfChange = true };

    /// <summary>3B: five clients, dropped messages, crashes, peers added and removed.</summary>
    public static ScenarioOptions ConfChangeUnreliableRecover { get; } = new() { Clients = 5, Unreliable = true, Crash = true, ConfChange = true };

    /// <summary>3B: five clients, dropped messages, crashes, a short log, peers added and removed.</summary>
    public static ScenarioOptions ConfChangeSnapshotUnreliableRecover { get; } =
        new() { Clients = 5, Unreliable = true, Crash = true, MaxRaftLog = SnapshotLogLimit, ConfChange = true };

    /// <summary>3B: five clients, dropped messages, crashes, partitions, a short log, peers added and removed.</summary>
    public static ScenarioOptions ConfChangeSnapshotUnreliableRecoverConcurrentPartition { get; } =
        new() { Clients = 5, Unreliable = true, Crash = true, Partitions = true, MaxRaftLog = SnapshotLogLimit, ConfChange = true };

    /// <summary>3B: one client, crashes, regions split.</summary>
    public static ScenarioOptions SplitRecover { get; } = new() { Clients = 1, Crash = true, Split = true };

    /// <summary>3B: twenty clients, crashes, regions split.</summary>
    public static ScenarioOptions SplitRecoverManyClients { get; } = new() { Clients = 20, Crash = true, Split = true };

    /// <summary>3B: five clients, dropped messages, regions split.</summary>
    public static ScenarioOptions SplitUnreliable { get; } = new() { Clients = 5, Unreliable = true, Split = true };

    /// <summary>3B: five clients, dropped messages, crashes, regions split.</summary>
    public static ScenarioOptions SplitUnreliableRecover { get; } = new() { Clients = 5, Unreliable = true, Crash = true, Split = true };

    /// <summary>3B: five clients, dropped messages, crashes, a short log, peers added and removed, regions split.</summary>
    public static ScenarioOptions SplitConfChangeSnapshotUnreliableRecover { get; } =
        new() { Clients = 5, Unreliable = true, Crash = true, MaxRaftLog = SnapshotLogLimit, ConfChange = true, Split = true };

    /// <summary>3B: five clients, dropped messages, crashes, partitions, a short log, peers added and removed, regions split.</summary>
    public static ScenarioOptions SplitConfChangeSnapshotUnreliableRecoverConcurrentPartition { get; } =
        new() { Clients = 5, Unreliable = true, Crash = true, Partitions = true, MaxRaftLog = SnapshotLogLimit, ConfChange = true, Split = true };

    /// <summary>Every generic scenario by test name, 2B first, in the order of the original suite.</summary>
    public static IReadOnlyList<(string Milestone, string Name, ScenarioOptions Options)> All { get; } =
    [
        ("2B", nameof(Basic), Basic),
        ("2B", nameof(Concurrent), Concurrent),
        ("2B", nameof(Unreliable), Unreliable),
        ("2B", nameof(ManyPartitionsOneClient), ManyPartitionsOneClient),
        ("2B", nameof(ManyPartitionsManyClients), ManyPartitionsManyClients),
        ("2B", nameof(PersistOneClient), PersistOneClient),
        ("2B", nameof(PersistConcurrent), PersistConcurrent),
        ("2B", nameof(PersistConcurrentUnreliable), PersistConcurrentUnreliable),
        ("2B", nameof(PersistPartition), PersistPartition),
        ("2B", nameof(PersistPartitionUnreliable), PersistPartitionUnreliable),
        ("2C", nameof(SnapshotRecover), SnapshotRecover),
        ("2C", nameof(SnapshotRecoverManyClients), SnapshotRecoverManyClients),
        ("2C", nameof(SnapshotUnreliable), SnapshotUnreliable),
        ("2C", nameof(SnapshotUnreliableRecover), SnapshotUnreliableRecover),
        ("2C", nameof(SnapshotUnreliableRecoverConcurrentPartition), SnapshotUnreliableRecoverConcurrentPartition),
        ("3B", nameof(ConfChangeRecover), ConfChangeRecover),
        ("3B", nameof(ConfChangeRecoverManyClients), ConfChangeRecoverManyClients),
        ("3B", nameof(ConfChangeUnreliable), ConfChangeUnreliable),
        ("3B", nameof(ConfChangeUnreliableRecover), ConfChangeUnreliableRecover),
        ("3B", nameof(ConfChangeSnapshotUnreliableRecover), ConfChangeSnapshotUnreliableRecover),
        ("3B", nameof(ConfChangeSnapshotUnreliableRecoverConcurrentPartition), ConfChangeSnapshotUnreliableRecoverConcurrentPartition),
        ("3B", nameof(SplitRecover), SplitRecover),
        ("3B", nameof(SplitRecoverManyClients), SplitRecoverManyClients),
        ("3B", nameof(SplitUnreliable), SplitUnreliable),
        ("3B", nameof(SplitUnreliableRecover), SplitUnreliableRecover),
        ("3B", nameof(SplitConfChangeSnapshotUnreliableRecover), SplitConfChangeSnapshotUnreliableRecover),
        ("3B", nameof(SplitConfChangeSnapshotUnreliableRecoverConcurrentPartition), SplitConfChangeSnapshotUnreliableRecoverConcurrentPartition),
    ];
}
