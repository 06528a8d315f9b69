using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Runtime;
using TinyKv.Scheduler.Checkers;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Schedulers;

namespace TinyKv.Scheduler;

/// <summary>
/// Runs the scheduling on the loop's clock: every scheduler on its own timer (soon again after it
/// proposed an operator, backing off up to <see cref="MaxScheduleInterval"/> while it has nothing
/// to do), and a patrol that walks the regions with the replica checker, repeats operator steps
/// leaders have not acted on, and buries drained offline stores.
/// </summary>
/// <remarks>Every action runs on the <see cref="IScheduler"/> loop it was given; nothing here is thread-safe.</remarks>
public sealed partial class Coordinator : IDisposable
{
    /// <summary>The shortest wait between two runs of a scheduler.</summary>
    public static readonly TimeSpan MinScheduleInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between two runs of a scheduler.</summary>
    public static readonly TimeSpan MaxScheduleInterval = TimeSpan.FromSeconds(5);

    /// <summary>How much a scheduler's interval grows after a run that proposed nothing.</summary>
    public const double IntervalGrowth = 1.3;

    private readonly Cluster _cluster;
    private readonly IScheduler _loop;
    private readonly IReadOnlyList<IBalanceScheduler> _schedulers;
    private readonly ReplicaChecker _replicaChecker;
    private readonly ILogger _logger;
    private readonly List<ITimerHandle> _timers = [];
    private ByteString _patrolKey = ByteString.Empty;

    /// <summary>Creates a coordinator for <paramref name="cluster"/> running <paramref name="schedulers"/> on <paramref name="loop"/>.</summary>
    public Coordinator(Cluster cluster, IScheduler loop, IEnumerable<IBalanceScheduler> schedulers, ILogger<Coordinator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(schedulers);
        _cluster = cluster;
        _loop = loop;
        _schedulers = [.. schedulers];
        _replicaChecker = new ReplicaChecker(cluster);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The schedulers it runs.</summary>
    public IReadOnlyList<IBalanceScheduler> Schedulers => _schedulers;

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>Starts the patrol and every scheduler's timer.</summary>
    /// <exception cref="InvalidOperationException">Already running.</exception>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("the coordinator is already running");
        }

        IsRunning = true;
        SchedulePatrol();
        foreach (var scheduler in _schedulers)
        {
            ScheduleRun(scheduler, MinScheduleInterval);
        }
    }

    /// <summary>Cancels every timer; running operators stay with the controller.</summary>
    public void Stop()
    {
        IsRunning = false;
        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        _timers.Clear();
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    /// <summary>
    /// Runs <paramref name="scheduler"/> once: if its kind is under its limit, asks it for an
    /// operator and hands it to the controller. The scheduler sees the cluster with the influence
    /// of the running operators (<see cref="OperatorInfluence"/>): stores as they will be once
    /// those operators are done, so it does not pile moves onto the same two stores.
    /// </summary>
    /// <returns>True if an operator was added.</returns>
    public bool RunScheduler(IBalanceScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (!scheduler.IsScheduleAllowed(_cluster)
            || scheduler.Schedule(new OperatorInfluence(_cluster, _cluster.Operators.GetOperators())) is not { } op)
        {
            return false;
        }

        var added = _cluster.Operators.AddOperator(op);
        if (added)
        {
            LogScheduled(scheduler.Name, op.RegionId, op);
        }

        return added;
    }

    /// <summary>
    /// One patrol round: repeats due operator steps, checks the next batch of regions (in key
    /// order, wrapping around) with the replica checker, and buries drained offline stores.
    /// </summary>
    public void Patrol()
    {
        _cluster.Operators.PushOperators();
        var options = _cluster.Options;
        var batch = _cluster.ScanRegions(_patrolKey, ByteString.Empty, options.PatrolRegionBatch);
        foreach (var region in batch)
        {
            if (_cluster.Operators.GetOperator(region.Id) is not null
                || _cluster.Operators.OperatorCount(OperatorKind.Replica) >= options.ReplicaScheduleLimit)
            {
                continue;
            }

            if (_replicaChecker.Check(region) is { } op && _cluster.Operators.AddOperator(op))
            {
                LogScheduled("replica-checker", region.Id, op);
            }
        }

        _patrolKey = batch.Count < options.PatrolRegionBatch || batch[^1].EndKey.IsEmpty ? ByteString.Empty : batch[^1].EndKey;
        _cluster.CheckStores();
    }

    private void SchedulePatrol()
    {
        var delay = (long)_cluster.Options.PatrolRegionInterval.TotalMicroseconds;
        Track(_loop.Schedule(delay, () =>
        {
            if (!IsRunning)
            {
                return;
            }

            Patrol();
            SchedulePatrol();
        }));
    }

    private void ScheduleRun(IBalanceScheduler scheduler, TimeSpan interval) =>
        Track(_loop.Schedule((long)interval.TotalMicroseconds, () =>
        {
            if (!IsRunning)
            {
                return;
            }

            var next = RunScheduler(scheduler)
                ? MinScheduleInterval
                : TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * IntervalGrowth), MaxScheduleInterval.Ticks));
            ScheduleRun(scheduler, next);
        }));

    private void Track(ITimerHandle timer)
    {
        _timers.RemoveAll(t => !t.IsPending);
        _timers.Add(timer);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Scheduler} scheduled region {RegionId}: {Operator}")]
    private partial void LogScheduled(string scheduler, ulong regionId, Operator @operator);
}
