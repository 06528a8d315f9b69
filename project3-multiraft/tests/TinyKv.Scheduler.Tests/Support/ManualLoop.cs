using TinyKv.Runtime;

namespace TinyKv.Scheduler.Tests.Support;

/// <summary>
/// A loop whose clock a test moves by hand and whose timers run when the clock passes them, in
/// time order: enough to drive the cluster and the operator controller step by step.
/// </summary>
internal sealed class ManualLoop : IScheduler
{
    private readonly PriorityQueue<Timer, (long Due, long Sequence)> _timers = new();
    private long _sequence;

    /// <summary>Starts the clock at <paramref name="start"/> µs (an hour in, so "30 s ago" is a real time).</summary>
    public ManualLoop(long start = 3_600_000_000) => Now = start;

    public long Now { get; private set; }

    public ITimerHandle Schedule(long delayMicros, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayMicros);
        var timer = new Timer(action);
        _timers.Enqueue(timer, (Now + delayMicros, _sequence++));
        return timer;
    }

    public void Post(Action action) => Schedule(0, action);

    /// <summary>Moves the clock forward by <paramref name="by"/>, running every timer due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        var until = Now + (long)by.TotalMicroseconds;
        while (_timers.TryPeek(out var timer, out var due) && due.Due <= until)
        {
            _timers.Dequeue();
            Now = Math.Max(Now, due.Due);
            timer.Run();
        }

        Now = until;
    }

    private sealed class Timer(Action action) : ITimerHandle
    {
        public bool IsPending { get; private set; } = true;

        public bool Cancel()
        {
            var was = IsPending;
            IsPending = false;
            return was;
        }

        public void Run()
        {
            if (IsPending)
            {
                IsPending = false;
                action();
            }
        }
    }
}
