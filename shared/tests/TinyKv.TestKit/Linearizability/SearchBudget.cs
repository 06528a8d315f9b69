using System.Diagnostics;

namespace TinyKv.TestKit.Linearizability;

/// <summary>
/// How much searching a check may still do: a number of search steps (deterministic) and, if
/// set, a wall-clock deadline. Shared by the keys of one check, so the budget bounds the whole check.
/// </summary>
internal sealed class SearchBudget
{
    // The clock is read once every this many steps: a step costs tens of nanoseconds.
    private const int ClockInterval = 4096;

    private readonly long _maxSteps;
    private readonly TimeSpan? _timeLimit;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private bool _outOfTime;

    public SearchBudget(long? maxSteps, TimeSpan? timeLimit)
    {
        _maxSteps = maxSteps ?? long.MaxValue;
        _timeLimit = timeLimit;
    }

    /// <summary>Search steps spent so far.</summary>
    public long Steps { get; private set; }

    /// <summary>True once a step was refused.</summary>
    public bool Exhausted { get; private set; }

    /// <summary>Wall-clock time since the budget was created.</summary>
    public TimeSpan Elapsed => _stopwatch.Elapsed;

    /// <summary>Why the budget ran out, for reports.</summary>
    public string ExhaustedBecause =>
        _outOfTime ? $"the time limit of {_timeLimit} ran out" : $"the step budget of {_maxSteps:N0} steps ran out";

    /// <summary>Spends one step: false (from then on always) when the budget is used up.</summary>
    public bool TrySpend()
    {
        if (Exhausted)
        {
            return false;
        }

        if (Steps >= _maxSteps)
        {
            Exhausted = true;
            return false;
        }

        Steps++;
        if (_timeLimit is { } limit && Steps % ClockInterval == 0 && _stopwatch.Elapsed > limit)
        {
            _outOfTime = true;
            Exhausted = true;
            return false;
        }

        return true;
    }
}
