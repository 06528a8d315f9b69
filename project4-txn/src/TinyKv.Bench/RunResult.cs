using TinyKv.Bench.Measurement;

namespace TinyKv.Bench;

/// <summary>
/// What one load run measured. Operations are those issued in the measured window that
/// answered before it closed: <see cref="Succeeded"/> plus <see cref="Failed"/>. Throughput and
/// CPU per operation count successful operations only.
/// </summary>
public sealed record RunResult
{
    public required string Target { get; init; }

    public required string Endpoints { get; init; }

    public required string Workload { get; init; }

    public required int Clients { get; init; }

    public required int Connections { get; init; }

    public required int KeySize { get; init; }

    public required int ValueSize { get; init; }

    public required int Keys { get; init; }

    public required double DurationLimitSeconds { get; init; }

    public required long MaxOperations { get; init; }

    public required double WarmupSeconds { get; init; }

    /// <summary>What ended the measured window: <c>duration</c>, <c>max-ops</c> or <c>cancelled</c>.</summary>
    public required string StoppedBy { get; init; }

    /// <summary>How long the measured window lasted.</summary>
    public required double ElapsedSeconds { get; init; }

    public long Operations => Succeeded + Failed;

    public required long Succeeded { get; init; }

    public required long Failed { get; init; }

    /// <summary>
    /// Operations sent in the window that had not answered when its duration ended (they are
    /// cancelled and counted neither as succeeded nor as failed). A server that answers nothing
    /// within the window shows here, not in <see cref="Errors"/>.
    /// </summary>
    public long Unanswered { get; init; }

    /// <summary>Successful operations per second of the measured window.</summary>
    public double OpsPerSecond => ElapsedSeconds > 0 ? Succeeded / ElapsedSeconds : 0;

    /// <summary>Latency of the successful operations.</summary>
    public required LatencySummary Latency { get; init; }

    /// <summary>Failed operations by the kind of their last failure.</summary>
    public required SortedDictionary<string, long> Errors { get; init; }

    /// <summary>Attempts sent again (after a region error or an unreachable server), by the kind of the failed attempt.</summary>
    public required SortedDictionary<string, long> Retries { get; init; }

    /// <summary>What each server process given with --server-pid used in the window.</summary>
    public required IReadOnlyList<ServerUsage> Servers { get; init; }

    /// <summary>The servers' CPU time (user + system, every given process together) per successful operation, in microseconds.</summary>
    public double? CpuMicrosPerOp => ServerMeter.CpuMicrosPerOperation(Servers, Succeeded);

    /// <summary>
    /// For a txn run: the share of its operations that ended as an aborted transaction (a
    /// conflict, a retry limit, a failed compare: every error kind starting with <c>txn:</c>),
    /// from 0 to 1; null for other workloads or when no operation was counted.
    /// </summary>
    public double? TxnAbortRate => Workload == "txn" && Operations > 0
        ? (double)Errors.Where(e => e.Key.StartsWith(Targets.ErrorKinds.TxnPrefix, StringComparison.Ordinal)).Sum(e => e.Value) / Operations
        : null;

    /// <summary>The preload, when one ran.</summary>
    public PreloadResult? Preload { get; init; }
}

/// <summary>What writing the key space before a run did.</summary>
/// <param name="Written">Keys written.</param>
/// <param name="Failed">Keys whose write failed.</param>
/// <param name="Seconds">How long it took.</param>
/// <param name="Complete">Whether every key was attempted before the preload's time limit.</param>
public sealed record PreloadResult(long Written, long Failed, double Seconds, bool Complete);
