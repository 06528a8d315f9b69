namespace TinyKv.Client;

/// <summary>
/// Hands out transaction timestamps: every call returns a timestamp greater than every one
/// returned before it. A transaction reads as of its start timestamp and its writes become
/// visible at its commit timestamp, so all clients of one store must share one oracle (in a
/// cluster, the scheduler's TSO).
/// </summary>
/// <remarks>
/// Asynchronous because a cluster's oracle is a round trip to the scheduler
/// (<see cref="Scheduling.SchedulerTimestampOracle"/>); <see cref="ClockOracle"/> answers at once.
/// Implementations are thread-safe.
/// </remarks>
public interface ITimestampOracle
{
    /// <summary>The next timestamp; never 0, never less than or equal to one handed out before it was asked for.</summary>
    ValueTask<ulong> NextAsync(CancellationToken cancellationToken = default);
}
