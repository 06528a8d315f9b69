using System.Text;

namespace TinyKv.TestKit.Linearizability;

/// <summary>The outcome of <see cref="LinearizabilityChecker.Check"/>: the verdict, what was checked, and why it failed.</summary>
public sealed class LinearizabilityReport
{
    internal LinearizabilityReport(
        CheckResult result,
        int operationCount,
        IReadOnlyList<KeyCheck> keys,
        ViolationWindow? violation,
        string? undecidedKey,
        string? unknownReason,
        long steps,
        TimeSpan elapsed)
    {
        Result = result;
        OperationCount = operationCount;
        Keys = keys;
        Violation = violation;
        UndecidedKey = undecidedKey;
        UnknownReason = unknownReason;
        Steps = steps;
        Elapsed = elapsed;
    }

    /// <summary>The verdict on the whole history.</summary>
    public CheckResult Result { get; }

    /// <summary>How many operations the history holds.</summary>
    public int OperationCount { get; }

    /// <summary>The keys checked, in ordinal order; the check stops at the first key that is illegal or undecided.</summary>
    public IReadOnlyList<KeyCheck> Keys { get; }

    /// <summary>The explanation, when <see cref="Result"/> is <see cref="CheckResult.Illegal"/>.</summary>
    public ViolationWindow? Violation { get; }

    /// <summary>The key being searched when the budget ran out, when <see cref="Result"/> is <see cref="CheckResult.Unknown"/>.</summary>
    public string? UndecidedKey { get; }

    /// <summary>Which bound ran out, when <see cref="Result"/> is <see cref="CheckResult.Unknown"/>.</summary>
    public string? UnknownReason { get; }

    /// <summary>Search steps spent deciding the verdict (shrinking a violation not included).</summary>
    public long Steps { get; }

    /// <summary>Wall-clock time spent deciding the verdict (shrinking a violation not included).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The verdict for a reader: what failed and why, or a one-line summary when it passed.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        switch (Result)
        {
            case CheckResult.Ok:
                text.Append($"linearizable: {OperationCount} operations on {Keys.Count} keys ({Steps:N0} search steps)");
                break;
            case CheckResult.Illegal:
                text.AppendLine("the history is not linearizable");
                text.Append(Violation);
                break;
            default:
                var decided = Keys.Count(k => k.Result == CheckResult.Ok);
                text.AppendLine($"the linearizability check is inconclusive (Unknown): {UnknownReason} while searching key \"{UndecidedKey}\"");
                text.AppendLine($"{decided} keys were found linearizable before that; {OperationCount} operations in the history, {Steps:N0} search steps");
                text.Append("an undecided check is not a pass: raise LinearizabilityOptions.MaxSteps or TimeLimit, or record a shorter history");
                break;
        }

        return text.ToString();
    }
}
