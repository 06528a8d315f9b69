using TinyKv.Proto.Metapb;
using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Operators;

/// <summary>
/// A plan for one region: a short list of steps (add a peer, hand over leadership, remove a
/// peer) made against the region as of one epoch. The controller hands the leader one step at a
/// time in heartbeat answers and moves on when a heartbeat shows the step done.
/// </summary>
/// <remarks>Times are microseconds on the scheduler's clock. Not thread-safe; the controller owns running operators.</remarks>
public sealed class Operator
{
    /// <summary>A leader operator not finished this long after it started has timed out.</summary>
    public static readonly TimeSpan LeaderOperatorWaitTime = TimeSpan.FromSeconds(10);

    /// <summary>A region operator not finished this long after it started has timed out.</summary>
    public static readonly TimeSpan RegionOperatorWaitTime = TimeSpan.FromMinutes(10);

    private readonly OperatorStep[] _steps;

    /// <summary>Creates an operator for region <paramref name="regionId"/> as of <paramref name="epoch"/>.</summary>
    /// <param name="description">Who made it and why, e.g. "balance-region".</param>
    /// <param name="brief">What it does in a few words, e.g. "mv peer: store 1 to 4".</param>
    /// <param name="regionId">The region it changes.</param>
    /// <param name="epoch">The region's epoch when it was made; the controller refuses it if the region has moved on.</param>
    /// <param name="kind">What it does and who asked.</param>
    /// <param name="steps">The steps, in order.</param>
    public Operator(string description, string brief, ulong regionId, RegionEpoch epoch, OperatorKind kind, params OperatorStep[] steps)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        ArgumentNullException.ThrowIfNull(steps);
        Description = description;
        Brief = brief;
        RegionId = regionId;
        RegionEpoch = epoch.Clone();
        Kind = kind;
        _steps = steps;
        Priority = (kind & OperatorKind.Admin) != 0 ? OperatorPriority.High : OperatorPriority.Normal;
    }

    /// <summary>Who made it and why.</summary>
    public string Description { get; }

    /// <summary>What it does in a few words.</summary>
    public string Brief { get; }

    /// <summary>The region it changes.</summary>
    public ulong RegionId { get; }

    /// <summary>The region's epoch when the operator was made.</summary>
    public RegionEpoch RegionEpoch { get; }

    /// <summary>What it does and who asked.</summary>
    public OperatorKind Kind { get; private set; }

    /// <summary>How urgent it is.</summary>
    public OperatorPriority Priority { get; set; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<OperatorStep> Steps => _steps;

    /// <summary>The number of steps.</summary>
    public int Length => _steps.Length;

    /// <summary>The index of the first step not yet seen done.</summary>
    public int CurrentStep { get; private set; }

    /// <summary>When the controller started it (scheduler clock, µs), or null while it has not.</summary>
    public long? StartedAt { get; private set; }

    /// <summary>True once every step has been seen done.</summary>
    public bool IsFinished => CurrentStep >= _steps.Length;

    /// <summary>Adds flags to the kind.</summary>
    public void AttachKind(OperatorKind kind) => Kind |= kind;

    /// <summary>Marks the operator started at <paramref name="now"/>.</summary>
    public void Start(long now) => StartedAt = now;

    /// <summary>
    /// Advances past every step <paramref name="region"/> shows done and returns the first that
    /// is not, or null if all are.
    /// </summary>
    public OperatorStep? Check(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        while (CurrentStep < _steps.Length && _steps[CurrentStep].IsFinished(region))
        {
            CurrentStep++;
        }

        return CurrentStep < _steps.Length ? _steps[CurrentStep] : null;
    }

    /// <summary>How many membership changes of <paramref name="region"/> this operator's steps so far account for.</summary>
    public int ConfVerChanged(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var last = Math.Min(CurrentStep, _steps.Length - 1);
        return _steps.Take(last + 1).Count(step => step.ConfVerChanged(region));
    }

    /// <summary>True if the operator started, is not finished, and has run longer than its kind may at <paramref name="now"/>.</summary>
    public bool IsTimedOut(long now)
    {
        if (IsFinished || StartedAt is not { } started)
        {
            return false;
        }

        var limit = (Kind & OperatorKind.Region) != 0 ? RegionOperatorWaitTime : LeaderOperatorWaitTime;
        return TimeSpan.FromMicroseconds(now - started) > limit;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Description} {{{Brief}}} (kind: {Kind}, region {RegionId} (version {RegionEpoch.Version}, conf_ver {RegionEpoch.ConfVer}), " +
        $"step {CurrentStep}/{_steps.Length}: [{string.Join(", ", _steps.Select(s => s.ToString()))}]){(IsFinished ? " finished" : "")}";
}
