namespace TinyKv.Client;

/// <summary>How a <see cref="PercolatorClient"/> locks, waits and gives up.</summary>
public sealed record PercolatorClientOptions
{
    /// <summary>
    /// How long a prewrite lock lives, in physical milliseconds from the transaction's start:
    /// after that, a client blocked by the lock may roll the transaction back.
    /// </summary>
    public TimeSpan LockTtl { get; init; } = TimeSpan.FromMilliseconds(3000);

    /// <summary>
    /// How many times one operation (a read, a scan, one prewrite batch, the primary commit)
    /// is sent before the client gives up with <see cref="RetryLimitExceededException"/>.
    /// </summary>
    public int MaxAttempts { get; init; } = 20;

    /// <summary>The first wait after a lock that is still alive, a <c>retryable</c> error or a region error; doubled on each further wait.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest single wait.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>
    /// How the client waits: <see cref="Task.Delay(TimeSpan, CancellationToken)"/> for real;
    /// a simulation passes a step of its own, so waiting takes simulated time only.
    /// </summary>
    public Func<TimeSpan, CancellationToken, Task> Sleep { get; init; } = Task.Delay;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A duration is not positive or <see cref="MaxAttempts"/> is less than 1.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LockTtl, TimeSpan.FromMilliseconds(1), nameof(LockTtl));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
        ArgumentNullException.ThrowIfNull(Sleep, nameof(Sleep));
    }
}
