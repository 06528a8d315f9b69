using TinyKv.Client;

namespace TinyKv.TestKit.Transactions;

/// <summary>
/// What a flow of a <see cref="StepScheduler"/> works with: a Percolator client whose every
/// request and sleep is a scheduler step, its own random generator, and a way to note what it
/// saw in the history.
/// </summary>
public sealed class SimulatedClient
{
    private readonly StepScheduler _scheduler;

    internal SimulatedClient(StepScheduler scheduler, StepScheduler.Flow flow)
    {
        _scheduler = scheduler;
        Name = flow.Name;
        Random = flow.Random;
        Client = new PercolatorClient(new ScheduledTransport(scheduler, flow), scheduler.Oracle, flow.ClientOptions(scheduler));
    }

    /// <summary>The flow's name, as the history shows it.</summary>
    public string Name { get; }

    /// <summary>The flow's client: its requests and backoff sleeps are scheduler steps.</summary>
    public PercolatorClient Client { get; }

    /// <summary>The flow's own generator, derived from the scheduler's seed: use it for every choice the flow makes.</summary>
    public Random Random { get; }

    /// <summary>Simulated time now, in milliseconds.</summary>
    public ulong NowMilliseconds => _scheduler.Clock.NowMilliseconds;

    /// <summary>Adds a line to the history (what the flow saw or decided).</summary>
    public void Note(string text) => _scheduler.Note(Name, text);
}
