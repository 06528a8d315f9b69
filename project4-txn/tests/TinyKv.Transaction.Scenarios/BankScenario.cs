using TinyKv.Client;
using TinyKv.TestKit.Transactions;
using static TinyKv.Transaction.Scenarios.Scenario;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// The bank: eight accounts holding 800 in all, and clients that move money between two
/// accounts (read both, write both) or audit the bank (read all eight, add up) in one
/// transaction each. Some clients crash mid-commit (after prewrite, or after committing only
/// the primary), leaving locks that the others must resolve. Snapshot isolation keeps the
/// total at 800 in every audit and at the end.
/// </summary>
public static class BankScenario
{
    public const int Accounts = 8;
    public const long InitialBalance = 100;
    public const long Total = Accounts * InitialBalance;
    public const int Clients = 8;
    public const int OperationsPerClient = 8;

    /// <summary>The step budget of each phase: a run takes a few thousand steps at most.</summary>
    public const int MaxSteps = 50_000;

    /// <summary>Runs the bank with <paramref name="seed"/> against a fresh store.</summary>
    public static BankOutcome Run(int seed)
    {
        using var store = new ScenarioStore();
        var scheduler = new StepScheduler(seed, store.Transport, ClientOptions);
        var outcome = new BankOutcome(seed, scheduler);

        scheduler.Spawn("open", async c =>
        {
            var txn = await c.Client.BeginAsync();
            for (var i = 0; i < Accounts; i++)
            {
                txn.Set(Account(i), Number(InitialBalance));
            }

            await txn.CommitAsync();
        });
        scheduler.Run(MaxSteps);

        for (var i = 0; i < Clients; i++)
        {
            // Clients c0 and c1 always crash once, one at each stage, so every run has locks to resolve.
            CommitStage? crash = i switch { 0 => CommitStage.Prewritten, 1 => CommitStage.PrimaryCommitted, _ => null };
            scheduler.Spawn($"c{i}", c => ClientAsync(c, crash, outcome));
        }

        scheduler.Run(MaxSteps);

        scheduler.Spawn("final", async c => outcome.FinalTotal = await SumByKeysAsync(c, await c.Client.BeginAsync()));
        scheduler.Run(MaxSteps);
        return outcome;
    }

    /// <summary>What the graded test checks; empty when the run kept the bank's invariant.</summary>
    public static List<string> Anomalies(BankOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var anomalies = new List<string>();
        foreach (var (who, total) in outcome.Audits.Where(a => a.Total != Total))
        {
            anomalies.Add($"{who}: an audit saw a total of {total}, not {Total}");
        }

        if (outcome.FinalTotal != Total)
        {
            anomalies.Add($"after the run the accounts hold {outcome.FinalTotal}, not {Total}");
        }

        return anomalies;
    }

    public static byte[] Account(int i) => Key($"acct{i}");

    private static async Task ClientAsync(SimulatedClient c, CommitStage? forcedCrash, BankOutcome outcome)
    {
        for (var op = 0; op < OperationsPerClient; op++)
        {
            if (forcedCrash is { } stage && op == OperationsPerClient / 2)
            {
                // Retry until one transfer stops where it should (a conflict may refuse the first tries).
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    if (await TransferAsync(c, stage, outcome))
                    {
                        return;
                    }
                }

                c.Note("never managed to crash");
                return;
            }

            if (c.Random.Next(10) < 3)
            {
                await AuditAsync(c, outcome);
                continue;
            }

            // Now and then a client crashes mid-commit and is gone.
            var roll = c.Random.Next(40);
            var commitStage = roll == 0 ? CommitStage.Prewritten : roll == 1 ? CommitStage.PrimaryCommitted : CommitStage.Completed;
            if (await TransferAsync(c, commitStage, outcome) && commitStage != CommitStage.Completed)
            {
                return;
            }
        }
    }

    /// <summary>Moves money between two accounts; true when the commit went as far as <paramref name="stopAfter"/>.</summary>
    private static async Task<bool> TransferAsync(SimulatedClient c, CommitStage stopAfter, BankOutcome outcome)
    {
        var from = c.Random.Next(Accounts);
        var to = (from + 1 + c.Random.Next(Accounts - 1)) % Accounts;
        var txn = await c.Client.BeginAsync();
        var fromBalance = Number(await txn.GetAsync(Account(from)));
        var toBalance = Number(await txn.GetAsync(Account(to)));
        var amount = Math.Min(fromBalance, 1 + c.Random.Next(20));
        txn.Set(Account(from), Number(fromBalance - amount));
        txn.Set(Account(to), Number(toBalance + amount));
        try
        {
            await txn.CommitAsync(stopAfter);
        }
        catch (TransactionConflictException)
        {
            outcome.Conflicts++;
            return false;
        }
        catch (TransactionAbortedException)
        {
            outcome.Aborts++;
            return false;
        }

        if (stopAfter == CommitStage.Completed)
        {
            outcome.Transfers++;
        }
        else
        {
            outcome.Crashes++;
            c.Note($"crashes after {stopAfter}");
        }

        return true;
    }

    private static async Task AuditAsync(SimulatedClient c, BankOutcome outcome)
    {
        var txn = await c.Client.BeginAsync();
        long total;
        if (c.Random.Next(2) == 0)
        {
            total = await SumByKeysAsync(c, txn);
        }
        else
        {
            var pairs = await txn.ScanAsync(Key("acct"), Accounts + 1);
            total = pairs.Count == Accounts ? pairs.Sum(p => Number(p.Value)) : -pairs.Count;
        }

        c.Note($"audit at {StepText.Ts(txn.StartTs)} sees {total}");
        outcome.Audits.Add((c.Name, total));
    }

    /// <summary>Reads every account, one request each, in an order of the client's choosing.</summary>
    private static async Task<long> SumByKeysAsync(SimulatedClient c, Client.Transaction txn)
    {
        var order = Enumerable.Range(0, Accounts).ToArray();
        c.Random.Shuffle(order);
        long total = 0;
        foreach (var i in order)
        {
            total += Number(await txn.GetAsync(Account(i)) ?? throw new InvalidOperationException($"account {i} is missing"));
        }

        return total;
    }
}

/// <summary>What a bank run did and saw.</summary>
public sealed class BankOutcome(int seed, StepScheduler scheduler)
{
    public int Seed { get; } = seed;

    public StepScheduler Scheduler { get; } = scheduler;

    public List<(string Client, long Total)> Audits { get; } = [];

    public long FinalTotal { get; set; }

    public int Transfers { get; set; }

    public int Conflicts { get; set; }

    public int Aborts { get; set; }

    public int Crashes { get; set; }

    public int Count(string request) => Scheduler.Counts.GetValueOrDefault(request);

    public override string ToString() =>
        $"seed {Seed}: {Scheduler.Steps} steps, {Transfers} transfers, {Conflicts} conflicts, {Aborts} aborts, {Crashes} crashes, {Audits.Count} audits, " +
        $"{Count("KvResolveLock(commit)")} locks rolled forward, {Count("KvResolveLock(rollback)")} rolled back, final total {FinalTotal}";
}
