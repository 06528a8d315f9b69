namespace TinyKv.Bench;

/// <summary>Which kind of server a run drives.</summary>
public enum TargetKind
{
    /// <summary>A TinyKV server or cluster (or the echo server), through the TinyKv gRPC service.</summary>
    TinyKv,

    /// <summary>An etcd cluster, through its KV service.</summary>
    Etcd,
}

/// <summary>
/// Everything one load run needs. Every run is bounded twice: by <see cref="Duration"/> and by
/// <see cref="MaxOperations"/>, whichever comes first; the warm-up before it by its own time.
/// </summary>
public sealed record BenchOptions
{
    /// <summary>The largest number of clients, connections, keys or operations a run accepts.</summary>
    public const int MaxClients = 4096;

    public TargetKind Target { get; init; } = TargetKind.TinyKv;

    /// <summary>The servers; see <see cref="EndpointList"/>. With <see cref="Schedulers"/>, the scheduler members.</summary>
    public required EndpointList Endpoints { get; init; }

    /// <summary>
    /// The scheduler members of a multi-region cluster, or null. When set, a TinyKV run sends
    /// through the region-aware client (<see cref="Targets.RegionTarget"/>): it learns the regions
    /// and their leaders from the scheduler instead of being given the stores.
    /// </summary>
    public IReadOnlyList<Uri>? Schedulers { get; init; }

    public Workload Workload { get; init; } = Workload.Put;

    /// <summary>For <see cref="Workload.Mixed"/>: the share of operations that read, 0 to 1.</summary>
    public double ReadFraction { get; init; } = 0.5;

    /// <summary>For <see cref="Workload.Txn"/>: how many keys one transaction writes.</summary>
    public int TxnKeys { get; init; } = 2;

    public int KeySize { get; init; } = 16;

    public int ValueSize { get; init; } = 256;

    /// <summary>How many distinct keys the operations pick from (uniformly).</summary>
    public int Keys { get; init; } = 10_000;

    /// <summary>Closed-loop clients: each issues its next operation when the previous one answered.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>gRPC channels per endpoint; client <c>i</c> uses channel <c>i mod Connections</c>.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>How long the measured part of the run lasts at most.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many operations the measured part issues at most.</summary>
    public long MaxOperations { get; init; } = 1_000_000;

    /// <summary>How long the clients run before measuring starts; those operations are not counted.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Write every key of the key space once before the run (so gets find values).</summary>
    public bool Preload { get; init; }

    /// <summary>The deadline of each request sent (each attempt of an operation).</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times one operation is sent again after a region error or an unreachable server.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Server processes whose CPU time and peak memory are read from /proc.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];

    /// <summary>Seeds each client's random generator (client <c>i</c> uses <c>Seed + i</c>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where to write the result as JSON, or null.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Throws when an option is out of range; the message names the option.</summary>
    /// <exception cref="ArgumentException">An option is out of range or the options contradict each other.</exception>
    public void Validate()
    {
        Check(Clients is >= 1 and <= MaxClients, $"--clients must be from 1 to {MaxClients}, not {Clients}");
        Check(Connections is >= 1 and <= MaxClients, $"--connections must be from 1 to {MaxClients}, not {Connections}");
        Check(Keys is >= 1 and <= 100_000_000, $"--keys must be from 1 to 100000000, not {Keys}");
        Check(KeySize is >= 2 and <= 4096, $"--key-size must be from 2 to 4096 bytes, not {KeySize}");
        Check(
            KeySize >= KeySpace.MinimumKeySize(Keys),
            $"--key-size {KeySize} is too small for {Keys} keys: it needs at least {KeySpace.MinimumKeySize(Keys)} bytes");
        Check(ValueSize is >= 0 and <= 1 << 20, $"--value-size must be from 0 to 1048576 bytes, not {ValueSize}");
        Check(ReadFraction is >= 0 and <= 1, $"--read-fraction must be from 0 to 1, not {ReadFraction}");
        Check(TxnKeys is >= 1 and <= 64, $"--txn-keys must be from 1 to 64, not {TxnKeys}");
        Check(TxnKeys <= Keys, $"--txn-keys {TxnKeys} is more than the {Keys} keys of the key space");
        Check(Duration > TimeSpan.Zero && Duration <= TimeSpan.FromHours(1), $"--duration must be above 0 and at most 3600 seconds, not {Duration.TotalSeconds}");
        Check(MaxOperations is >= 1 and <= 1_000_000_000, $"--max-ops must be from 1 to 1000000000, not {MaxOperations}");
        Check(Warmup >= TimeSpan.Zero && Warmup <= TimeSpan.FromMinutes(10), $"--warmup must be from 0 to 600 seconds, not {Warmup.TotalSeconds}");
        Check(Deadline >= TimeSpan.FromMilliseconds(1) && Deadline <= TimeSpan.FromMinutes(10), $"--deadline must be from 0.001 to 600 seconds, not {Deadline.TotalSeconds}");
        Check(MaxRetries is >= 0 and <= 100, $"--max-retries must be from 0 to 100, not {MaxRetries}");
        Check(Schedulers is null || Target == TargetKind.TinyKv, "--scheduler needs --target tinykv: etcd has no scheduler");
        Check(Schedulers is null || Schedulers.Count > 0, "--scheduler needs at least one scheduler address");
        foreach (var pid in ServerPids)
        {
            Check(pid > 0, $"--server-pid must be a process id above 0, not {pid}");
        }

        static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message);
            }
        }
    }
}
