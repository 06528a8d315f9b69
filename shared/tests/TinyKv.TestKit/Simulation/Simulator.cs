using System.Diagnostics;
using System.Globalization;
using System.Text;
using TinyKv.Runtime;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// A deterministic, single-threaded <see cref="IScheduler"/> for cluster tests: a virtual
/// clock that jumps straight to the next event, and one event queue ordered by (virtual time,
/// sequence number), so events due at the same time run in the order they were scheduled.
/// One master seed feeds <see cref="Streams"/>; the same seed gives the same history, which
/// <see cref="Trace"/> records and hashes.
/// </summary>
/// <remarks>
/// Any exception thrown by an event ends the run with a <see cref="SimulationFailedException"/>
/// naming the seed and the command that replays it; so does running more than
/// <see cref="MaxEvents"/> events (a livelock, or a test that never settles). After a failure
/// the simulator refuses to run further.
/// </remarks>
public sealed class Simulator : IScheduler, IDisposable
{
    /// <summary>The default bound on the number of events of one run.</summary>
    public const long DefaultMaxEvents = 50_000_000;

    /// <summary>How many trace lines a failure message shows.</summary>
    public const int FailureTailLines = 30;

    private readonly PriorityQueue<ScheduledEvent, (long Time, long Sequence)> _queue = new();
    private readonly SimulatorSynchronizationContext _context;
    private long _nextSequence;
    private SimulationFailedException? _failure;
    private Exception? _taskFailure;
    private string? _taskFailureName;

    /// <summary>Creates a simulator for the test <paramref name="testName"/> (used in the replay command) with master seed <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="testName"/> is empty.</exception>
    public Simulator(long seed, string testName, long maxEvents = DefaultMaxEvents)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(testName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        Seed = seed;
        TestName = testName;
        MaxEvents = maxEvents;
        Streams = new RandomStreams(seed);
        _context = new SimulatorSynchronizationContext(this);
    }

    /// <summary>A simulator whose seed comes from <see cref="SimulationSeed.Resolve"/> (<c>TINYKV_SEED</c>, else a fresh one).</summary>
    public static Simulator FromEnvironment(string testName, long maxEvents = DefaultMaxEvents) =>
        new(SimulationSeed.Resolve(), testName, maxEvents);

    /// <summary>The master seed of this run.</summary>
    public long Seed { get; }

    /// <summary>The test name the replay command filters on.</summary>
    public string TestName { get; }

    /// <summary>The bound on events run over the simulator's life.</summary>
    public long MaxEvents { get; }

    /// <summary>The seeded random streams of this run, one per (subsystem, node).</summary>
    public RandomStreams Streams { get; }

    /// <summary>The history of this run.</summary>
    public EventTrace Trace { get; } = new();

    /// <summary>Virtual microseconds since the start.</summary>
    public long Now { get; private set; }

    /// <summary>How many events have run.</summary>
    public long EventsRun { get; private set; }

    /// <summary>How many events wait in the queue (cancelled timers that have not reached the head yet included).</summary>
    public int Queued => _queue.Count;

    /// <summary>The command that replays this run.</summary>
    public string ReplayCommand =>
        $"{SimulationSeed.Variable}={Seed.ToString(CultureInfo.InvariantCulture)} dotnet test --filter \"FullyQualifiedName~{TestName}\"";

    /// <summary>Records a trace line at the current virtual time.</summary>
    public void Record(string kind, string text) => Trace.Record(Now, kind, text);

    /// <summary>Records a trace line, formatted by the caller into a buffer of its own, at the current virtual time.</summary>
    public void Record(string kind, ReadOnlySpan<char> text) => Trace.Record(Now, kind, text);

    /// <inheritdoc/>
    public ITimerHandle Schedule(long delayMicros, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayMicros);
        ArgumentNullException.ThrowIfNull(action);
        var scheduled = new ScheduledEvent(checked(Now + delayMicros), action);
        _queue.Enqueue(scheduled, (scheduled.Time, _nextSequence++));
        return scheduled;
    }

    /// <inheritdoc/>
    public void Post(Action action) => Schedule(0, action);

    /// <summary>
    /// Checks run after every event (invariants of the system under test); one that throws
    /// fails the run like an event that throws.
    /// </summary>
    public List<Action> AfterEachEvent { get; } = [];

    /// <summary>
    /// Starts <paramref name="body"/> as a simulated task (a client, a chaos monkey): it runs on
    /// the simulator's loop, and every <c>await</c> in it resumes as an event, in order, on
    /// virtual time. An exception escaping it fails the run.
    /// </summary>
    /// <returns>The task, to await from another simulated task.</returns>
    public Task Spawn(string name, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var done = new TaskCompletionSource();
        Post(() => _ = Run());
        return done.Task;

        async Task Run()
        {
            try
            {
                await body();
                done.SetResult();
            }
            catch (Exception exception)
            {
                _taskFailure ??= exception;
                _taskFailureName ??= name;
                done.SetException(exception);
            }
        }
    }

    /// <summary>A task that completes <paramref name="micros"/> of virtual time from now, for simulated tasks.</summary>
    public Task Delay(long micros)
    {
        var done = new TaskCompletionSource();
        Schedule(micros, done.SetResult);
        return done.Task;
    }

    /// <summary>Runs the next pending event, moving the clock to its time.</summary>
    /// <returns>False if nothing was pending.</returns>
    /// <exception cref="SimulationFailedException">The event threw, or the event budget ran out.</exception>
    public bool Step() => Step(long.MaxValue);

    /// <summary>Runs every event due at or before <paramref name="time"/>, then moves the clock to <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is in the past.</exception>
    /// <exception cref="SimulationFailedException">An event threw, or the event budget ran out.</exception>
    public void RunUntil(long time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(time, Now);
        while (Step(time))
        {
        }

        Now = time;
    }

    /// <summary>Runs <paramref name="micros"/> microseconds of virtual time; see <see cref="RunUntil"/>.</summary>
    public void RunFor(long micros)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(micros);
        RunUntil(checked(Now + micros));
    }

    /// <summary>Runs events until none is pending.</summary>
    /// <returns>How many events ran.</returns>
    /// <exception cref="SimulationFailedException">More than <paramref name="maxEvents"/> events ran (the system does not go quiet), an event threw, or the overall budget ran out.</exception>
    public long RunUntilIdle(long maxEvents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEvents);
        long run = 0;
        while (HasPending())
        {
            if (run == maxEvents)
            {
                throw Fail($"still not idle after {run} events (the bound of RunUntilIdle)", null);
            }

            Step();
            run++;
        }

        return run;
    }

    /// <summary>
    /// Disposes the trace. With <c>TINYKV_SIM_STATS</c> set, first appends one line to the file
    /// it names: test, seed, virtual seconds, wall seconds since the simulator was created, events
    /// (how the benchmarks page measures tests that are not generic scenarios).
    /// </summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable(StatsFileVariable) is { Length: > 0 } statsFile)
        {
            var wall = Stopwatch.GetElapsedTime(_createdAt).TotalSeconds;
            File.AppendAllText(statsFile, string.Create(CultureInfo.InvariantCulture, $"{TestName}\t{Seed}\t{Now / 1e6:F3}\t{wall:F3}\t{EventsRun}\n"));
        }

        Trace.Dispose();
    }

    /// <summary>The variable naming a file each simulator appends its run's figures to when disposed.</summary>
    public const string StatsFileVariable = "TINYKV_SIM_STATS";

    // For the figures of TINYKV_SIM_STATS only: nothing the run does reads it.
    private readonly long _createdAt = Stopwatch.GetTimestamp();

    private bool Step(long until)
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException("the simulation already failed; start a new one", _failure);
        }

        if (!TryPeekLive(out var next) || next.Time > until)
        {
            return false;
        }

        _queue.Dequeue();
        if (EventsRun == MaxEvents)
        {
            throw Fail($"ran {MaxEvents} events, the bound of this simulator (a livelock, or a run that never settles?)", null);
        }

        Now = next.Time;
        EventsRun++;
        var action = next.TakeToRun();
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        try
        {
            action();
            foreach (var check in AfterEachEvent)
            {
                check();
            }
        }
        catch (Exception exception) when (exception is not SimulationFailedException)
        {
            throw Fail($"event threw {exception.GetType().Name}: {exception.Message}", exception);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }

        if (_taskFailure is { } failure)
        {
            throw Fail($"simulated task '{_taskFailureName}' threw {failure.GetType().Name}: {failure.Message}", failure);
        }

        return true;
    }

    private bool HasPending() => TryPeekLive(out _);

    // Cancelled timers stay in the queue until they reach the head; drop them there.
    private bool TryPeekLive(out ScheduledEvent next)
    {
        while (_queue.TryPeek(out next!, out _))
        {
            if (!next.IsCancelled)
            {
                return true;
            }

            _queue.Dequeue();
        }

        return false;
    }

    private SimulationFailedException Fail(string reason, Exception? inner)
    {
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"simulation failed at virtual time {Now} us after {EventsRun} events (seed {Seed}): {reason}")
            .AppendLine()
            .Append(CultureInfo.InvariantCulture, $"replay: {ReplayCommand}")
            .AppendLine()
            .Append(CultureInfo.InvariantCulture, $"last {FailureTailLines} trace lines (of {Trace.Count}):");
        foreach (var line in Trace.Tail(FailureTailLines))
        {
            message.AppendLine().Append(line);
        }

        if (SaveTrace() is { } saved)
        {
            message.AppendLine().Append(CultureInfo.InvariantCulture, $"the whole retained trace is in {saved}");
        }

        _failure = new SimulationFailedException(message.ToString(), Seed, Now, ReplayCommand, inner);
        return _failure;
    }

    /// <summary>The variable naming a folder where a failed run leaves its trace (the last 10,000 lines).</summary>
    public const string TraceFolderVariable = "TINYKV_TRACE_DIR";

    /// <summary>
    /// Writes the retained trace to <c>TINYKV_TRACE_DIR</c>/‹test›-‹seed›.trace when the variable
    /// is set (a failed run does it by itself); returns the file's path, or null.
    /// </summary>
    public string? SaveTrace()
    {
        if (Environment.GetEnvironmentVariable(TraceFolderVariable) is not { Length: > 0 } folder)
        {
            return null;
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{TestName}-{Seed}.trace"));
        File.WriteAllLines(path, Trace.Tail(int.MaxValue));
        return path;
    }

    private sealed class ScheduledEvent(long time, Action action) : ITimerHandle
    {
        private enum State
        {
            Pending,
            Ran,
            Cancelled,
        }

        private State _state;

        // Dropped once the event ran or was cancelled: a cancelled timer waits in the queue until
        // its time comes, and its closure (a client call's whole chain of awaits, say) should not
        // live as long.
        private Action? _action = action;

        public long Time { get; } = time;

        public bool IsPending => _state == State.Pending;

        public bool IsCancelled => _state == State.Cancelled;

        public bool Cancel()
        {
            if (_state != State.Pending)
            {
                return false;
            }

            _state = State.Cancelled;
            _action = null;
            return true;
        }

        /// <summary>Marks the event run and hands over its action, to be run once.</summary>
        public Action TakeToRun()
        {
            var action = _action!;
            _state = State.Ran;
            _action = null;
            return action;
        }
    }
}

/// <summary>Resumes the awaits of simulated tasks as simulator events, so they run on the loop, in order.</summary>
internal sealed class SimulatorSynchronizationContext(Simulator simulator) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => simulator.Post(() => d(state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("a simulated task cannot block the simulator's loop");

    public override SynchronizationContext CreateCopy() => this;
}
