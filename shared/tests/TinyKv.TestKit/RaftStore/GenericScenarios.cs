namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// The generic cluster tests of stages 2B and 2C with the knobs the original course gives them:
/// one definition, used by the tests and by the benchmark that times them.
/// </summary>
public static class GenericScenarios
{
    /// <summary>The raft log limit of the 2C tests.</summary>
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
    ];
}
