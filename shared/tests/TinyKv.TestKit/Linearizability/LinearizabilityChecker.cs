namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// Decides whether a key-value client history is linearizable: whether every operation can be
/// given one instant between its call and its return (open operations: any instant after their
/// call, or none) such that, in that order, each get reads what the register held. A port of the
/// algorithm of Porcupine (Anish Athalye): the history is split by key, and each key is
/// searched by Wing and Gong's depth-first search with Lowe's memoization.
/// </summary>
/// <remarks>
/// <para>
/// Real-time order is strict: operation A precedes B only if A returns strictly before B is
/// called. An operation returning at virtual time <c>t</c> and one called at the same <c>t</c>
/// are concurrent, and either may take effect first. (Virtual clocks produce equal times often;
/// calling them concurrent never rejects a correct system for a tie the clock could not break.)
/// </para>
/// <para>
/// Use <see cref="LinearizabilityAssert"/> in tests: it turns <see cref="CheckResult.Illegal"/>
/// and <see cref="CheckResult.Unknown"/> into a failure, so an inconclusive check never passes.
/// </para>
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>
    /// Checks <paramref name="history"/> key by key, in ordinal key order, within the budget of
    /// <paramref name="options"/> (<see cref="LinearizabilityOptions.Default"/> when null). The
    /// check stops at the first illegal key and explains it with a <see cref="ViolationWindow"/>.
    /// </summary>
    /// <returns><see cref="CheckResult.Illegal"/> if a key is illegal; else <see cref="CheckResult.Unknown"/>
    /// if the budget ran out before a key was decided; else <see cref="CheckResult.Ok"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bound of <paramref name="options"/> is not positive.</exception>
    public static LinearizabilityReport Check(KvHistory history, LinearizabilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= LinearizabilityOptions.Default;
        options.Validate();

        var budget = new SearchBudget(options.MaxSteps, options.TimeLimit);
        var keys = new List<KeyCheck>();
        ViolationWindow? violation = null;
        string? undecidedKey = null;
        foreach (var (key, operations) in history.PartitionByKey())
        {
            var result = LinearizabilitySearch.Run(operations, budget);
            keys.Add(new KeyCheck(key, operations.Count, result));
            if (result == CheckResult.Unknown)
            {
                // The budget is shared: once spent, no further key can be decided.
                undecidedKey = key;
                break;
            }

            if (result == CheckResult.Illegal)
            {
                violation = options.MinimizeViolation
                    ? ViolationShrinker.Explain(key, operations, history.Count, options)
                    : new ViolationWindow(key, operations.Count, history.Count, operations, null, minimized: false);
                break;
            }
        }

        var overall = violation is not null ? CheckResult.Illegal : undecidedKey is not null ? CheckResult.Unknown : CheckResult.Ok;
        var unknownReason = undecidedKey is null ? null : budget.ExhaustedBecause;
        return new LinearizabilityReport(overall, history.Count, keys, violation, undecidedKey, unknownReason, budget.Steps, budget.Elapsed);
    }
}
