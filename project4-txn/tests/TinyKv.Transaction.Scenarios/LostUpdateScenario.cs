using TinyKv.Client;
using TinyKv.TestKit.Transactions;
using static TinyKv.Transaction.Scenarios.Scenario;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// Lost update: several clients increment one counter (read it, write it plus one), each
/// starting over in a new transaction when its commit is refused. All clients start their
/// first transaction at the same moment, so they overlap and all but one must be refused. An
/// increment whose write conflict goes unnoticed overwrites another and is lost: two committed
/// increments read the same value, and the counter ends below the number of commits.
/// </summary>
public static class LostUpdateScenario
{
    public const int Clients = 6;
    public const int IncrementsPerClient = 3;
    public const int MaxTriesPerIncrement = 30;
    public const int MaxSteps = 50_000;

    public static byte[] Counter { get; } = Key("counter");

    public static LostUpdateOutcome Run(int seed)
    {
        using var store = new ScenarioStore();
        var scheduler = new StepScheduler(seed, store.Transport, ClientOptions);
        var outcome = new LostUpdateOutcome(seed, scheduler);
        scheduler.Spawn("open", async c =>
        {
            var txn = await c.Client.BeginAsync();
            txn.Set(Counter, Number(0));
            await txn.CommitAsync();
        });
        scheduler.Run(MaxSteps);

        for (var i = 0; i < Clients; i++)
        {
            scheduler.Spawn($"c{i}", c => IncrementAsync(c, outcome));
        }

        scheduler.Run(MaxSteps);
        scheduler.Spawn("final", async c => outcome.Final = Number(await (await c.Client.BeginAsync()).GetAsync(Counter)));
        scheduler.Run(MaxSteps);
        return outcome;
    }

    /// <summary>What the graded test checks; empty when no increment was lost.</summary>
    public static List<string> Anomalies(LostUpdateOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var anomalies = new List<string>();
        foreach (var twice in outcome.Commits.GroupBy(c => c.Read).Where(g => g.Count() > 1))
        {
            anomalies.Add($"{twice.Count()} committed increments all read {twice.Key}: {string.Join(", ", twice.Select(c => c.Client))}");
        }

        if (outcome.Final != outcome.Commits.Count)
        {
            anomalies.Add($"{outcome.Commits.Count} increments committed but the counter is {outcome.Final}");
        }

        return anomalies;
    }

    private static async Task IncrementAsync(SimulatedClient c, LostUpdateOutcome outcome)
    {
        for (var increment = 0; increment < IncrementsPerClient; increment++)
        {
            for (var tries = 1; ; tries++)
            {
                var txn = await c.Client.BeginAsync();
                var value = Number(await txn.GetAsync(Counter));
                txn.Set(Counter, Number(value + 1));
                try
                {
                    await txn.CommitAsync();
                    outcome.Commits.Add((c.Name, value));
                    c.Note($"incremented {value} at {StepText.Ts(txn.CommitTs)}");
                    break;
                }
                catch (Exception ex) when (ex is TransactionConflictException or TransactionAbortedException && tries < MaxTriesPerIncrement)
                {
                    outcome.Refusals++;
                }
            }
        }
    }
}

/// <summary>What a lost-update run did and saw.</summary>
public sealed class LostUpdateOutcome(int seed, StepScheduler scheduler)
{
    public int Seed { get; } = seed;

    public StepScheduler Scheduler { get; } = scheduler;

    /// <summary>Every committed increment: who, and the value it read.</summary>
    public List<(string Client, long Read)> Commits { get; } = [];

    /// <summary>Commits refused (conflict or abort) and started over.</summary>
    public int Refusals { get; set; }

    public long Final { get; set; }

    public override string ToString() => $"seed {Seed}: {Scheduler.Steps} steps, {Commits.Count} increments committed, {Refusals} refused, counter {Final}";
}
