using TinyKv.Client;
using TinyKv.TestKit.Transactions;
using static TinyKv.Transaction.Scenarios.Scenario;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// Read skew: writers move money between two accounts x and y (total 100) while readers read
/// both, key by key, in either order, in one transaction. Every reader must see a total of 100:
/// all of a transfer or none of it. The client sends the prewrites of the primary (x) and the
/// secondary (y) separately, so another client can meet the lock on y before x is locked and
/// roll the transfer back (CheckTxnStatus leaves a rollback record on x). A prewrite that
/// misses that record lets the transfer lock and commit x anyway, while y stays rolled back:
/// readers from then on see half a transfer.
/// </summary>
public static class ReadSkewScenario
{
    public const long Total = 100;
    public const int Writers = 3;
    public const int TransfersPerWriter = 5;
    public const int MaxTriesPerTransfer = 30;
    public const int Readers = 4;
    public const int ReadsPerReader = 8;
    public const int MaxSteps = 50_000;

    public static byte[] X { get; } = Key("x");

    public static byte[] Y { get; } = Key("y");

    public static ReadSkewOutcome Run(int seed)
    {
        using var store = new ScenarioStore();
        var scheduler = new StepScheduler(seed, store.Transport, ClientOptions);
        var outcome = new ReadSkewOutcome(seed, scheduler);
        scheduler.Spawn("open", async c =>
        {
            var txn = await c.Client.BeginAsync();
            txn.Set(X, Number(Total / 2));
            txn.Set(Y, Number(Total / 2));
            await txn.CommitAsync();
        });
        scheduler.Run(MaxSteps);

        for (var i = 0; i < Writers; i++)
        {
            scheduler.Spawn($"w{i}", c => WriteAsync(c, outcome));
        }

        for (var i = 0; i < Readers; i++)
        {
            scheduler.Spawn($"r{i}", c => ReadAsync(c, outcome));
        }

        scheduler.Run(MaxSteps);
        scheduler.Spawn("final", async c =>
        {
            var txn = await c.Client.BeginAsync();
            outcome.Final = (Number(await txn.GetAsync(X)), Number(await txn.GetAsync(Y)));
        });
        scheduler.Run(MaxSteps);
        return outcome;
    }

    /// <summary>What the graded test checks; empty when every read saw whole transfers.</summary>
    public static List<string> Anomalies(ReadSkewOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var anomalies = outcome.Reads
            .Where(r => r.X + r.Y != Total)
            .Select(r => $"{r.Reader} read x={r.X}, y={r.Y} at {StepText.Ts(r.At)}: a total of {r.X + r.Y}, not {Total}")
            .ToList();
        if (outcome.Final.X + outcome.Final.Y != Total)
        {
            anomalies.Add($"after the run x={outcome.Final.X}, y={outcome.Final.Y}: a total of {outcome.Final.X + outcome.Final.Y}, not {Total}");
        }

        return anomalies;
    }

    private static async Task WriteAsync(SimulatedClient c, ReadSkewOutcome outcome)
    {
        for (var i = 0; i < TransfersPerWriter; i++)
        {
            // Writers contend for the same two keys and refuse each other often: start over
            // until the transfer commits (or the tries run out), so transfers do happen.
            for (var tries = 1; tries <= MaxTriesPerTransfer; tries++)
            {
                if (await TryTransferAsync(c))
                {
                    outcome.Transfers++;
                    break;
                }

                outcome.Refusals++;
            }
        }
    }

    private static async Task<bool> TryTransferAsync(SimulatedClient c)
    {
        var txn = await c.Client.BeginAsync();
        var x = Number(await txn.GetAsync(X));
        var y = Number(await txn.GetAsync(Y));
        var amount = c.Random.Next(-10, 11);
        txn.Set(X, Number(x - amount));
        txn.Set(Y, Number(y + amount));
        try
        {
            await txn.CommitAsync();
            return true;
        }
        catch (Exception ex) when (ex is TransactionConflictException or TransactionAbortedException)
        {
            return false;
        }
    }

    private static async Task ReadAsync(SimulatedClient c, ReadSkewOutcome outcome)
    {
        for (var i = 0; i < ReadsPerReader; i++)
        {
            var txn = await c.Client.BeginAsync();
            long x, y;
            if (c.Random.Next(2) == 0)
            {
                x = Number(await txn.GetAsync(X));
                y = Number(await txn.GetAsync(Y));
            }
            else
            {
                y = Number(await txn.GetAsync(Y));
                x = Number(await txn.GetAsync(X));
            }

            c.Note($"reads x={x} y={y}");
            outcome.Reads.Add((c.Name, txn.StartTs, x, y));
        }
    }
}

/// <summary>What a read-skew run did and saw.</summary>
public sealed class ReadSkewOutcome(int seed, StepScheduler scheduler)
{
    public int Seed { get; } = seed;

    public StepScheduler Scheduler { get; } = scheduler;

    public List<(string Reader, ulong At, long X, long Y)> Reads { get; } = [];

    public (long X, long Y) Final { get; set; }

    public int Transfers { get; set; }

    public int Refusals { get; set; }

    public override string ToString() =>
        $"seed {Seed}: {Scheduler.Steps} steps, {Transfers} transfers, {Refusals} refused, {Reads.Count} reads, final x={Final.X} y={Final.Y}";
}
