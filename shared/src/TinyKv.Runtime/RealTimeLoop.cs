// The one real-time implementation of the seam: it is allowed the thread, the monotonic clock and
// the monitor that the state machines are banned from, because it is what stands in for them.
#pragma warning disable RS0030

using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TinyKv.Runtime;

/// <summary>
/// The real-time loop a server runs its state machines on (a tinykv-server's store, a
/// tinyscheduler-server's cluster): one dedicated thread runs every action, one at a time, in the
/// order of (due time, posting order), the same order the simulator keeps in tests.
/// <see cref="Now"/> is the time since the loop started, from a monotonic clock.
/// </summary>
/// <remarks>
/// Unlike the <see cref="IScheduler"/> contract asks of callers on the loop, <see cref="Post"/>,
/// <see cref="Schedule"/> and <see cref="InvokeAsync{T}"/> may be called from any thread: that is
/// how gRPC handlers hand a raft message, a client command or a scheduler request to the loop.
/// An action that throws is logged and the loop
/// goes on (the state machines are written not to throw; a throw is a bug to report, not
/// a reason to take the server down).
/// </remarks>
public sealed class RealTimeLoop : IScheduler, IDisposable
{
    private readonly PriorityQueue<Timer, (long Due, long Sequence)> _queue = new();
    private readonly object _lock = new(); // Monitor.Wait and Pulse need a plain object, not a Lock.
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private long _sequence;
    private bool _stopping;

    /// <summary>Starts the loop's thread, named <paramref name="name"/>.</summary>
    public RealTimeLoop(string name, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _thread = new Thread(Run) { Name = name, IsBackground = true };
        _thread.Start();
    }

    /// <inheritdoc/>
    public long Now => _clock.Elapsed.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Whether the caller runs on the loop's thread.</summary>
    public bool IsOnLoop => Thread.CurrentThread == _thread;

    /// <inheritdoc/>
    public ITimerHandle Schedule(long delayMicros, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayMicros);
        ArgumentNullException.ThrowIfNull(action);
        var timer = new Timer(action);
        TryEnqueue(delayMicros, timer);
        return timer;
    }

    /// <inheritdoc/>
    public void Post(Action action) => Schedule(0, action);

    /// <summary>
    /// Runs <paramref name="func"/> on the loop and returns its result to a caller on another
    /// thread; faults with what <paramref name="func"/> threw.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The loop has stopped (the task faults with it).</exception>
    public Task<T> InvokeAsync<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = TryEnqueue(0, new Timer(() =>
        {
            try
            {
                result.SetResult(func());
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        }));
        if (!queued)
        {
            result.SetException(new ObjectDisposedException(nameof(RealTimeLoop), "the server's loop has stopped"));
        }

        return result.Task;
    }

    /// <summary>Stops the loop after the action it runs now; actions still queued never run.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            _queue.Clear();
            Monitor.Pulse(_lock);
        }

        if (!IsOnLoop)
        {
            _thread.Join();
        }
    }

    /// <summary>Queues <paramref name="timer"/> to run <paramref name="delayMicros"/> from now; false once the loop stops.</summary>
    private bool TryEnqueue(long delayMicros, Timer timer)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return false;
            }

            _queue.Enqueue(timer, (Now + delayMicros, _sequence++));
            Monitor.Pulse(_lock);
            return true;
        }
    }

    private void Run()
    {
        while (Next() is { } timer)
        {
            try
            {
                timer.Run();
            }
            catch (Exception ex)
            {
                _logger.LogLoopActionFailed(ex, _thread.Name ?? "real-time loop");
            }
        }
    }

    /// <summary>Waits for the next due action; null once the loop stops.</summary>
    private Timer? Next()
    {
        lock (_lock)
        {
            while (true)
            {
                if (_stopping)
                {
                    return null;
                }

                if (_queue.TryPeek(out var timer, out var at))
                {
                    var wait = at.Due - Now;
                    if (wait <= 0)
                    {
                        _queue.Dequeue();
                        return timer;
                    }

                    // Round up so the wait never ends just before the action is due.
                    Monitor.Wait(_lock, TimeSpan.FromMicroseconds(wait + 999));
                }
                else
                {
                    Monitor.Wait(_lock);
                }
            }
        }
    }

    private sealed class Timer(Action action) : ITimerHandle
    {
        private int _state; // 0 pending, 1 run, 2 cancelled

        public bool IsPending => Volatile.Read(ref _state) == 0;

        public bool Cancel()
        {
            // A cancelled timer stays in the queue and is skipped when it comes due.
            return Interlocked.CompareExchange(ref _state, 2, 0) == 0;
        }

        public void Run()
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
            {
                action();
            }
        }
    }
}

internal static partial class RealTimeLoopLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "an action on {Loop} failed; the loop goes on")]
    public static partial void LogLoopActionFailed(this ILogger logger, Exception exception, string loop);
}
