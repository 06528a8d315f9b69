using System.Text.Json.Serialization;

namespace TinyKv.Bench.Comparison;

/// <summary>
/// One workload at one client count, run against each cluster the comparison started, in the
/// order etcd, the single-region tinykv cluster, the multi-region one. A cluster left out of
/// the comparison (<c>--clusters</c>) has no result.
/// </summary>
/// <param name="Workload">put, get or txn.</param>
/// <param name="Clients">Closed-loop clients.</param>
/// <param name="Etcd">The round against the 3-member etcd.</param>
/// <param name="TinyKv">The round against the 3-store single-region tinykv cluster.</param>
/// <param name="Regions">The round against the multi-region tinykv cluster (scheduler and 3 stores).</param>
public sealed record CompareRow(
    string Workload,
    int Clients,
    RunResult? Etcd,
    [property: JsonPropertyName("tinykv")] RunResult? TinyKv,
    RunResult? Regions = null)
{
    /// <summary>The single-region tinykv cluster's throughput over etcd's; null when either is missing or etcd completed nothing.</summary>
    public double? Ratio => Over(TinyKv, Etcd);

    /// <summary>The multi-region cluster's throughput over etcd's.</summary>
    public double? RegionsToEtcd => Over(Regions, Etcd);

    /// <summary>The multi-region cluster's throughput over the single-region cluster's.</summary>
    public double? RegionsToSingleRegion => Over(Regions, TinyKv);

    private static double? Over(RunResult? a, RunResult? b) =>
        a is not null && b is { OpsPerSecond: > 0 } ? a.OpsPerSecond / b.OpsPerSecond : null;
}

/// <summary>One single server measured alone (the standalone tinykv server, the echo server).</summary>
public sealed record SingleServerRow(string Server, RunResult Result);

/// <summary>The peak resident memory of one server process at the end of the comparison.</summary>
public sealed record PeakMemory(string Server, int Pid, long? PeakRssKib);

/// <summary>How the multi-region cluster was set up and how far it split.</summary>
/// <param name="RegionMaxSize">--region-max-size of its stores, in bytes.</param>
/// <param name="RegionSplitSize">--region-split-size of its stores, in bytes.</param>
/// <param name="AfterPreload">The regions once the preload had split them (before the first round).</param>
/// <param name="AtEnd">The regions after the last round (transactions keep versions, so regions go on splitting).</param>
public sealed record MultiRegionSetup(ulong RegionMaxSize, ulong RegionSplitSize, RegionSpread AfterPreload, RegionSpread AtEnd);

/// <summary>Everything a comparison measured, with the machine and the command line.</summary>
public sealed record CompareReport
{
    public required MachineInfo Machine { get; init; }

    public required string Command { get; init; }

    [JsonPropertyName("tinykv_server")]
    public required string TinyKvServer { get; init; }

    public required double DurationSeconds { get; init; }

    public required double WarmupSeconds { get; init; }

    public required IReadOnlyList<CompareRow> Rows { get; init; }

    public required IReadOnlyList<SingleServerRow> SingleServers { get; init; }

    public required IReadOnlyList<PeakMemory> PeakMemory { get; init; }

    /// <summary>The multi-region cluster, when the comparison ran one.</summary>
    public MultiRegionSetup? MultiRegion { get; init; }
}
