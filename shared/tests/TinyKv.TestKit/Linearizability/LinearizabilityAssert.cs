namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// The assertion tests use: a history passes only when the checker proves it linearizable.
/// An illegal history and an inconclusive check (budget exhausted) both throw.
/// </summary>
public static class LinearizabilityAssert
{
    /// <summary>Checks <paramref name="history"/> and throws unless it is linearizable.</summary>
    /// <returns>The report of the passing check.</returns>
    /// <exception cref="LinearizabilityException">The verdict is <see cref="CheckResult.Illegal"/> or <see cref="CheckResult.Unknown"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> is null.</exception>
    public static LinearizabilityReport Check(KvHistory history, LinearizabilityOptions? options = null)
    {
        var report = LinearizabilityChecker.Check(history, options);
        return report.Result == CheckResult.Ok ? report : throw new LinearizabilityException(report);
    }

    /// <summary>As <see cref="Check"/>: <c>recorder.ToHistory().AssertLinearizable()</c>.</summary>
    /// <exception cref="LinearizabilityException">The verdict is <see cref="CheckResult.Illegal"/> or <see cref="CheckResult.Unknown"/>.</exception>
    public static LinearizabilityReport AssertLinearizable(this KvHistory history, LinearizabilityOptions? options = null) =>
        Check(history, options);
}
