using System.Text.Json.Serialization;

namespace TinyKv.Bench.Comparison;

/// <summary>One workload run against both clusters, etcd's round first.</summary>
/// <param name="Workload">put or get.</param>
/// <param name="Clients">Closed-loop clients.</param>
/// <param name="Etcd">The etcd round.</param>
/// <param name="TinyKv">The tinykv round.</param>
public sealed record CompareRow(string Workload, int Clients, RunResult Etcd, [property: JsonPropertyName("tinykv")] RunResult TinyKv)
{
    /// <summary>tinykv's throughput over etcd's; null when etcd completed nothing.</summary>
    public double? Ratio => Etcd.OpsPerSecond > 0 ? TinyKv.OpsPerSecond / Etcd.OpsPerSecond : null;
}

/// <summary>One single server measured alone (the standalone tinykv server, the echo server).</summary>
public sealed record SingleServerRow(string Server, RunResult Result);

/// <summary>The peak resident memory of one server process at the end of the comparison.</summary>
public sealed record PeakMemory(string Server, int Pid, long? PeakRssKib);

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
}
