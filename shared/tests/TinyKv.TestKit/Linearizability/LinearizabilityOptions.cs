namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// How much a linearizability check may search, and whether it minimizes a violation. A check
/// stops with <see cref="CheckResult.Unknown"/> when either bound is reached.
/// </summary>
public sealed record LinearizabilityOptions
{
    /// <summary>The defaults: 50 million search steps or 30 seconds, whichever comes first, and minimized violations.</summary>
    public static LinearizabilityOptions Default { get; } = new();

    /// <summary>
    /// The most search steps of the whole check (all keys together), or null for no bound. One
    /// step is one visit of a call or return event; a step takes tens of nanoseconds. The
    /// deterministic bound: the same history and the same step budget give the same verdict.
    /// </summary>
    public long? MaxSteps { get; init; } = 50_000_000;

    /// <summary>
    /// The most wall-clock time of the whole check, or null for no bound. Not deterministic (a
    /// slow machine may give <see cref="CheckResult.Unknown"/> where a fast one decides), which
    /// is acceptable for test tooling; set it to null and rely on <see cref="MaxSteps"/> when the
    /// verdict must be reproducible.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether an illegal history is shrunk to a small window of operations that is still illegal (default true).</summary>
    public bool MinimizeViolation { get; init; } = true;

    /// <summary>
    /// The most checks spent shrinking a violation (each bounded by <see cref="MaxSteps"/>; all of
    /// them together by <see cref="TimeLimit"/>). When it runs out, the window found so far is reported.
    /// </summary>
    public int MaxShrinkChecks { get; init; } = 2_000;

    /// <summary>Options bounded only by <paramref name="maxSteps"/>, so the verdict does not depend on the machine.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSteps"/> is not positive.</exception>
    public static LinearizabilityOptions WithStepBudget(long maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSteps);
        return new() { MaxSteps = maxSteps, TimeLimit = null };
    }

    /// <summary>Rejects bounds that make no sense.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is zero or negative.</exception>
    internal void Validate()
    {
        if (MaxSteps is { } steps)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, nameof(MaxSteps));
        }

        if (TimeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), limit, "the time limit must be positive (or null for none)");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxShrinkChecks, nameof(MaxShrinkChecks));
    }
}
