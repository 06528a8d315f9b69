namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// A history failed its linearizability check: it is <see cref="CheckResult.Illegal"/>, or the
/// check was <see cref="CheckResult.Unknown"/> (inconclusive). The message is the report: the
/// failing key and the smallest window of operations no order explains, or the bound that ran out.
/// </summary>
public sealed class LinearizabilityException : Exception
{
    /// <summary>The failure of a check whose <paramref name="report"/> is not <see cref="CheckResult.Ok"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public LinearizabilityException(LinearizabilityReport report)
        : base((report ?? throw new ArgumentNullException(nameof(report))).ToString())
    {
        Report = report;
        Result = report.Result;
    }

    /// <inheritdoc cref="Exception()"/>
    public LinearizabilityException()
        : this("the history is not linearizable")
    {
    }

    /// <inheritdoc cref="Exception(string)"/>
    public LinearizabilityException(string message)
        : base(message)
    {
        Result = CheckResult.Illegal;
    }

    /// <inheritdoc cref="Exception(string, Exception)"/>
    public LinearizabilityException(string message, Exception innerException)
        : base(message, innerException)
    {
        Result = CheckResult.Illegal;
    }

    /// <summary><see cref="CheckResult.Illegal"/> or <see cref="CheckResult.Unknown"/>.</summary>
    public CheckResult Result { get; }

    /// <summary>The full report; null only for an exception created from a bare message.</summary>
    public LinearizabilityReport? Report { get; }
}
