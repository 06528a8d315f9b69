using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.Scheduler.Operators;

/// <summary>Why the controller looks at a region's operator.</summary>
public enum DispatchSource
{
    /// <summary>A region heartbeat arrived.</summary>
    Heartbeat,

    /// <summary>The operator was just added.</summary>
    Create,

    /// <summary>The controller repeats a step the leader has not acted on yet.</summary>
    Push,
}

/// <summary>
/// Runs operators: at most one per region, each started on the scheduler's clock, its current
/// step sent to the region's leader when it is added, on every heartbeat of the region, and
/// again now and then until a heartbeat shows the step done. An operator ends when a heartbeat
/// shows every step done, when it times out, when a higher-priority one replaces it, or when
/// the region's membership changed in a way it did not cause (it is stale then).
/// </summary>
/// <remarks>Not thread-safe: call it on the scheduler's loop.</remarks>
public sealed partial class OperatorController
{
    /// <summary>How long a finished or abandoned operator's status stays queryable.</summary>
    public static readonly TimeSpan StatusRetention = TimeSpan.FromMinutes(10);

    /// <summary>How long before an unacknowledged peer step is sent again.</summary>
    public static readonly TimeSpan SlowPushInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long before an unacknowledged leader transfer is sent again.</summary>
    public static readonly TimeSpan FastPushInterval = TimeSpan.FromSeconds(2);

    private readonly IClusterView _cluster;
    private readonly IHeartbeatStreams? _streams;
    private readonly ILogger _logger;
    private readonly SortedDictionary<ulong, Operator> _operators = [];
    private readonly Dictionary<ulong, (Operator Operator, OperatorStatus Status, long At)> _records = [];
    private readonly PriorityQueue<Operator, (long Due, ulong RegionId)> _pushQueue = new();

    /// <summary>Creates a controller over <paramref name="cluster"/> that sends steps to <paramref name="streams"/> (none: steps are not sent).</summary>
    public OperatorController(IClusterView cluster, IHeartbeatStreams? streams, ILogger<OperatorController>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _cluster = cluster;
        _streams = streams;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The running operator of region <paramref name="regionId"/>, or null.</summary>
    public Operator? GetOperator(ulong regionId) => _operators.GetValueOrDefault(regionId);

    /// <summary>Every running operator, by region id.</summary>
    public IReadOnlyList<Operator> GetOperators() => [.. _operators.Values];

    /// <summary>How many running operators have any of the flags in <paramref name="mask"/>.</summary>
    public int OperatorCount(OperatorKind mask) => _operators.Values.Count(op => (op.Kind & mask) != 0);

    /// <summary>
    /// The running operator of region <paramref name="regionId"/> (status RUNNING) or the last one
    /// that ended within <see cref="StatusRetention"/>, or null.
    /// </summary>
    public (Operator Operator, OperatorStatus Status)? GetOperatorStatus(ulong regionId)
    {
        if (_operators.TryGetValue(regionId, out var running))
        {
            return (running, OperatorStatus.Running);
        }

        if (_records.TryGetValue(regionId, out var record) && TimeSpan.FromMicroseconds(_cluster.Now - record.At) <= StatusRetention)
        {
            return (record.Operator, record.Status);
        }

        return null;
    }

    /// <summary>
    /// Starts <paramref name="operators"/> together, or none of them: each region must be known
    /// with the epoch the operator was made against, and must not run an operator of equal or
    /// higher priority. Sends each operator's first step at once.
    /// </summary>
    /// <returns>True if all were started.</returns>
    public bool AddOperator(params Operator[] operators)
    {
        ArgumentNullException.ThrowIfNull(operators);
        foreach (var op in operators)
        {
            if (WhyRefused(op) is { } reason)
            {
                LogOperatorRefused(op.RegionId, op, reason);
                foreach (var refused in operators)
                {
                    Record(refused, OperatorStatus.Cancel);
                }

                return false;
            }
        }

        foreach (var op in operators)
        {
            Start(op);
        }

        return true;
    }

    /// <summary>Stops <paramref name="op"/> if it is the running operator of its region.</summary>
    /// <returns>True if it was running.</returns>
    public bool RemoveOperator(Operator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (_operators.TryGetValue(op.RegionId, out var current) && ReferenceEquals(current, op))
        {
            _operators.Remove(op.RegionId);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Looks at region <paramref name="region"/>'s operator in the light of its latest report:
    /// sends the step not yet done, ends the operator if it is finished or timed out, and drops it
    /// if the region's membership changed more than its own steps explain.
    /// </summary>
    public void Dispatch(RegionInfo region, DispatchSource source)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (!_operators.TryGetValue(region.Id, out var op))
        {
            return;
        }

        var timedOut = op.IsTimedOut(_cluster.Now);
        var step = op.Check(region);
        if (step is not null && !timedOut)
        {
            var changes = region.Epoch.ConfVer - op.RegionEpoch.ConfVer;
            if (source == DispatchSource.Heartbeat && changes > (ulong)op.ConfVerChanged(region))
            {
                if (RemoveOperator(op))
                {
                    LogOperatorStale(region.Id, op, changes);
                    Record(op, OperatorStatus.Cancel);
                }

                return;
            }

            SendScheduleCommand(region, step, source);
            return;
        }

        if (op.IsFinished && RemoveOperator(op))
        {
            LogOperatorFinished(region.Id, op);
            Record(op, OperatorStatus.Success);
        }
        else if (timedOut && RemoveOperator(op))
        {
            LogOperatorTimedOut(region.Id, op);
            Record(op, OperatorStatus.Timeout);
        }
    }

    /// <summary>
    /// Sends again the current step of every operator whose push is due: leaders may have missed
    /// a command, and a region that stays quiet sends no heartbeat to answer. Also ends operators
    /// that timed out meanwhile.
    /// </summary>
    public void PushOperators()
    {
        var now = _cluster.Now;
        while (_pushQueue.TryPeek(out var op, out var due) && due.Due <= now)
        {
            _pushQueue.Dequeue();
            if (!ReferenceEquals(GetOperator(op.RegionId), op))
            {
                continue;
            }

            OperatorStep? step = null;
            if (_cluster.GetRegion(op.RegionId) is { } region)
            {
                Dispatch(region, DispatchSource.Push);
                step = op.Check(region);
            }
            else if (op.IsTimedOut(now) && RemoveOperator(op))
            {
                LogOperatorTimedOut(op.RegionId, op);
                Record(op, OperatorStatus.Timeout);
            }

            if (ReferenceEquals(GetOperator(op.RegionId), op))
            {
                _pushQueue.Enqueue(op, (now + NextPushDelay(step), op.RegionId));
            }
        }
    }

    /// <summary>Turns <paramref name="step"/> into the command the leader of <paramref name="region"/> understands and sends it.</summary>
    public void SendScheduleCommand(RegionInfo region, OperatorStep step, DispatchSource source)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(step);
        var response = new RegionHeartbeatResponse();
        switch (step)
        {
            case TransferLeader transfer:
                if (region.GetStorePeer(transfer.ToStore) is not { } target)
                {
                    return;
                }

                response.TransferLeader = new Proto.Schedulerpb.TransferLeader { Peer = target.Clone() };
                break;
            case AddPeer add:
                if (region.HasPeerOn(add.ToStore))
                {
                    // Added already; the peer is catching up. Nothing to ask the leader for.
                    return;
                }

                response.ChangePeer = new ChangePeer
                {
                    ChangeType = ConfChangeType.AddNode,
                    Peer = new MetaPeer { Id = add.PeerId, StoreId = add.ToStore },
                };
                break;
            case RemovePeer remove:
                if (region.GetStorePeer(remove.FromStore) is not { } victim)
                {
                    return;
                }

                response.ChangePeer = new ChangePeer { ChangeType = ConfChangeType.RemoveNode, Peer = victim.Clone() };
                break;
            default:
                throw new ArgumentException($"unknown operator step {step}", nameof(step));
        }

        if (region.Leader is null || _streams is null)
        {
            return;
        }

        response.RegionId = region.Id;
        response.RegionEpoch = region.Epoch.Clone();
        response.TargetPeer = region.Leader.Clone();
        LogSendCommand(region.Id, step, source);
        _streams.Send(region, response);
    }

    private string? WhyRefused(Operator op)
    {
        if (_cluster.GetRegion(op.RegionId) is not { } region)
        {
            return "region not found";
        }

        if (region.Epoch.Version != op.RegionEpoch.Version || region.Epoch.ConfVer != op.RegionEpoch.ConfVer)
        {
            return "region epoch changed since the operator was made";
        }

        if (_operators.TryGetValue(op.RegionId, out var old) && op.Priority <= old.Priority)
        {
            return "the region already runs an operator";
        }

        return null;
    }

    private void Start(Operator op)
    {
        if (_operators.TryGetValue(op.RegionId, out var old))
        {
            _operators.Remove(op.RegionId);
            LogOperatorReplaced(op.RegionId, old);
            Record(old, OperatorStatus.Replace);
        }

        var now = _cluster.Now;
        _operators[op.RegionId] = op;
        op.Start(now);
        LogOperatorAdded(op.RegionId, op);

        OperatorStep? step = null;
        if (_cluster.GetRegion(op.RegionId) is { } region && (step = op.Check(region)) is not null)
        {
            SendScheduleCommand(region, step, DispatchSource.Create);
        }

        _pushQueue.Enqueue(op, (now + NextPushDelay(step), op.RegionId));
    }

    private static long NextPushDelay(OperatorStep? step) =>
        (long)(step is TransferLeader ? FastPushInterval : SlowPushInterval).TotalMicroseconds;

    private void Record(Operator op, OperatorStatus status)
    {
        _records[op.RegionId] = (op, status, _cluster.Now);
        if (_records.Count > 4096)
        {
            var horizon = _cluster.Now - (long)StatusRetention.TotalMicroseconds;
            foreach (var regionId in _records.Where(r => r.Value.At < horizon).Select(r => r.Key).ToList())
            {
                _records.Remove(regionId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "region {RegionId}: add operator {Operator}")]
    private partial void LogOperatorAdded(ulong regionId, Operator @operator);

    [LoggerMessage(Level = LogLevel.Debug, Message = "region {RegionId}: operator {Operator} refused: {Reason}")]
    private partial void LogOperatorRefused(ulong regionId, Operator @operator, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "region {RegionId}: replace operator {Operator}")]
    private partial void LogOperatorReplaced(ulong regionId, Operator @operator);

    [LoggerMessage(Level = LogLevel.Information, Message = "region {RegionId}: operator {Operator} finished")]
    private partial void LogOperatorFinished(ulong regionId, Operator @operator);

    [LoggerMessage(Level = LogLevel.Information, Message = "region {RegionId}: operator {Operator} timed out")]
    private partial void LogOperatorTimedOut(ulong regionId, Operator @operator);

    [LoggerMessage(Level = LogLevel.Information, Message = "region {RegionId}: operator {Operator} is stale after {Changes} membership changes")]
    private partial void LogOperatorStale(ulong regionId, Operator @operator, ulong changes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "region {RegionId}: send {Step} ({Source})")]
    private partial void LogSendCommand(ulong regionId, OperatorStep step, DispatchSource source);
}
