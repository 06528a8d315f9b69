using System.Runtime.ExceptionServices;
using TinyKv.Client;

namespace TinyKv.TestKit.Transactions;

/// <summary>
/// A seeded, single-threaded scheduler for transaction scenarios. Each simulated client is an
/// async flow (a <see cref="Func{SimulatedClient, Task}"/>) whose every request to the store,
/// and every backoff sleep, is a <em>step</em>: the request waits in the scheduler until the
/// scheduler's generator picks it among the pending steps, then runs against the store and
/// completes at once, on the scheduler's thread, so the flow runs on to its next step before
/// anything else happens. The interleaving is a function of the seed alone: no threads, no
/// sleeps, no wall clock. The same seed gives the same <see cref="HistoryText"/>.
/// </summary>
/// <remarks>
/// <para>Simulated time (<see cref="Clock"/>) advances <see cref="StepMilliseconds"/> per step;
/// a sleeping flow's step becomes eligible once its wake-up time has come, and when every flow
/// sleeps, time jumps to the earliest wake-up. Timestamps come from one <see cref="ClockOracle"/>
/// over that clock, so lock TTLs expire in simulated time.</para>
/// <para>A flow that throws stops the run: a <see cref="TodoException"/> is rethrown as it is (an
/// unwritten slot), anything else as a <see cref="ScenarioFailedException"/> naming the seed, the
/// flow and the last steps. So does a run longer than its step budget.</para>
/// <para>Flows must await only what the scheduler hands them (the client's requests and
/// sleeps): a real delay or a thread-pool task would leave the flow waiting on something the
/// scheduler does not run, which it reports as an error.</para>
/// </remarks>
public sealed class StepScheduler
{
    private const int HistoryTail = 40;
    private readonly ITransactionTransport _server;
    private readonly PercolatorClientOptions _clientOptions;
    private readonly Random _random;
    private readonly List<Flow> _flows = [];
    private readonly List<PendingStep> _pending = [];
    private readonly List<string> _history = [];
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private bool _running;

    /// <summary>A scheduler over <paramref name="server"/> (which must answer synchronously, e.g. an <see cref="InProcessTransport"/>).</summary>
    /// <param name="seed">Picks the interleaving; each flow also gets its own generator derived from it.</param>
    /// <param name="server">The store every flow talks to.</param>
    /// <param name="clientOptions">Options for every flow's client; the scheduler supplies the sleep.</param>
    public StepScheduler(int seed, ITransactionTransport server, PercolatorClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Seed = seed;
        _server = server;
        _clientOptions = clientOptions ?? new PercolatorClientOptions();
        _random = TestSeed.Stream(seed, 0);
        Oracle = new ClockOracle(() => Clock.NowMilliseconds);
    }

    /// <summary>The seed of the interleaving.</summary>
    public int Seed { get; }

    /// <summary>Simulated time.</summary>
    public ManualClock Clock { get; } = new();

    /// <summary>The timestamp oracle every flow shares, over <see cref="Clock"/>.</summary>
    public ClockOracle Oracle { get; }

    /// <summary>How far <see cref="Clock"/> moves per step, in milliseconds.</summary>
    public ulong StepMilliseconds { get; init; } = 1;

    /// <summary>How many steps ran so far, over every <see cref="Run"/>.</summary>
    public int Steps { get; private set; }

    /// <summary>One line per step, time jump and note, in order.</summary>
    public IReadOnlyList<string> History => _history;

    /// <summary>The history as text, one line per entry: compare two runs' texts to check determinism.</summary>
    public string HistoryText => string.Join('\n', _history);

    /// <summary>How many requests of each kind ran (KvGet, KvPrewrite, …; KvResolveLock split into <c>KvResolveLock(commit)</c> and <c>KvResolveLock(rollback)</c>), and how many sleeps (<c>sleep</c>).</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>
    /// Adds a flow named <paramref name="name"/>. It starts at the next <see cref="Run"/> (or, if
    /// spawned by a running flow, before the next step), with a client of its own.
    /// </summary>
    public void Spawn(string name, Func<SimulatedClient, Task> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(body);
        var flow = new Flow(name, body, TestSeed.Stream(Seed, (ulong)_flows.Count + 1));
        _flows.Add(flow);
    }

    /// <summary>Runs steps until every flow has finished.</summary>
    /// <param name="maxSteps">The step budget of this call.</param>
    /// <exception cref="ScenarioFailedException">A flow failed, a flow waits on something the scheduler does not run, or the budget ran out.</exception>
    /// <exception cref="TodoException">A flow reached an unwritten slot.</exception>
    public void Run(int maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);
        if (_running)
        {
            throw new InvalidOperationException("Run is not reentrant: a flow cannot run the scheduler");
        }

        // Without a synchronization context a completed step's continuation runs inline, right
        // here; a test framework's context would post it elsewhere.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        _running = true;
        try
        {
            var budget = Steps + maxSteps;
            StartNewFlows();
            while (_flows.Any(f => !f.Finished))
            {
                var ready = _pending.Where(p => p.WakeAt <= Clock.NowMilliseconds).ToList();
                if (ready.Count == 0)
                {
                    JumpToNextWakeUp();
                    continue;
                }

                if (Steps >= budget)
                {
                    throw Failure($"the scenario did not finish within {maxSteps} steps; still running: {string.Join(", ", _flows.Where(f => !f.Finished).Select(f => f.Name))}", null);
                }

                var step = ready[_random.Next(ready.Count)];
                _pending.Remove(step);
                step.Flow.Pending--;
                Steps++;
                Clock.Advance(StepMilliseconds);
                step.Run();
                StartNewFlows();
                CheckFlows();
            }
        }
        finally
        {
            _running = false;
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>The store every flow's requests run against.</summary>
    internal ITransactionTransport Server => _server;

    /// <summary>Adds a line to the history on behalf of a flow (what it saw, what it decided).</summary>
    public void Note(string flow, string text) => Record(flow, "note: " + text);

    internal Task<T> Request<T>(Flow flow, string name, string description, Func<Task<T>> call, Func<T, string> outcome)
    {
        // Not RunContinuationsAsynchronously: the flow must continue inline, within the step.
        var completion = new TaskCompletionSource<T>();
        Enqueue(flow, 0, () =>
        {
            Task<T> answer;
            try
            {
                answer = call();
            }
            catch (Exception ex)
            {
                answer = Task.FromException<T>(ex);
            }

            if (!answer.IsCompleted)
            {
                throw new InvalidOperationException($"{name}: the store under a StepScheduler must answer synchronously (use an InProcessTransport)");
            }

            Count(name);
            if (answer.IsCompletedSuccessfully)
            {
                Record(flow.Name, $"{description} -> {outcome(answer.Result)}");
                completion.SetResult(answer.Result);
            }
            else
            {
                var error = answer.Exception!.InnerException!;
                Record(flow.Name, $"{description} -> throws {error.GetType().Name}: {error.Message}");
                completion.SetException(error);
            }
        });
        return completion.Task;
    }

    internal Task Sleep(Flow flow, TimeSpan delay)
    {
        var milliseconds = (ulong)Math.Max(0, Math.Ceiling(delay.TotalMilliseconds));
        var completion = new TaskCompletionSource();
        Enqueue(flow, Clock.NowMilliseconds + milliseconds, () =>
        {
            Count("sleep");
            Record(flow.Name, $"wakes after sleeping {milliseconds}ms");
            completion.SetResult();
        });
        return completion.Task;
    }

    private void Enqueue(Flow flow, ulong wakeAt, Action run)
    {
        flow.Pending++;
        _pending.Add(new PendingStep(flow, wakeAt, run)); // In the order issued: the generator picks by position.
    }

    private void StartNewFlows()
    {
        foreach (var flow in _flows.Where(f => f.Task is null).ToList())
        {
            var client = new SimulatedClient(this, flow);
            try
            {
                flow.Task = flow.Body(client);
            }
            catch (Exception ex)
            {
                flow.Task = Task.FromException(ex);
            }
        }

        CheckFlows();
    }

    private void CheckFlows()
    {
        foreach (var flow in _flows.Where(f => f.Task is { IsCompleted: true } && !f.Finished))
        {
            flow.Finished = true;
            if (flow.Task!.IsFaulted)
            {
                var error = flow.Task.Exception!.InnerException!;
                if (error is TodoException)
                {
                    ExceptionDispatchInfo.Capture(error).Throw();
                }

                throw Failure($"flow {flow.Name} failed: {error.GetType().Name}: {error.Message}", error);
            }

            if (flow.Task.IsCanceled)
            {
                throw Failure($"flow {flow.Name} was canceled", null);
            }
        }

        if (_flows.FirstOrDefault(f => !f.Finished && f.Task is not null && f.Pending == 0) is { } stray)
        {
            throw Failure($"flow {stray.Name} neither finished nor waits on a step: it awaits something the scheduler does not run (a real delay, a thread-pool task?)", null);
        }
    }

    private void JumpToNextWakeUp()
    {
        if (_pending.Count == 0)
        {
            throw Failure("no step is pending but flows are still running", null);
        }

        var wake = _pending.Min(p => p.WakeAt);
        _history.Add($"{Steps,6} {Clock.NowMilliseconds,7}ms  every flow sleeps: time jumps to {wake}ms");
        Clock.AdvanceTo(wake);
    }

    private void Count(string name) => _counts[name] = _counts.GetValueOrDefault(name) + 1;

    private void Record(string flow, string text) => _history.Add($"{Steps,6} {Clock.NowMilliseconds,7}ms {flow,-8} {text}");

    private ScenarioFailedException Failure(string message, Exception? inner)
    {
        var tail = string.Join('\n', _history.Skip(Math.Max(0, _history.Count - HistoryTail)));
        return new ScenarioFailedException(
            $"seed {Seed} (replay with {TestSeed.Variable}={Seed}), step {Steps}, {Clock.NowMilliseconds}ms: {message}\nlast steps:\n{tail}",
            inner);
    }

    /// <summary>A flow: its body, its own generator, its task once started.</summary>
    internal sealed class Flow(string name, Func<SimulatedClient, Task> body, Random random)
    {
        public string Name { get; } = name;

        public Func<SimulatedClient, Task> Body { get; } = body;

        public Random Random { get; } = random;

        public Task? Task { get; set; }

        public bool Finished { get; set; }

        public int Pending { get; set; }

        public PercolatorClientOptions ClientOptions(StepScheduler scheduler) =>
            scheduler._clientOptions with { Sleep = (delay, _) => scheduler.Sleep(this, delay) };
    }

    private sealed record PendingStep(Flow Flow, ulong WakeAt, Action Run);
}
