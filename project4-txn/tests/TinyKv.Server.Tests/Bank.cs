using System.Globalization;
using System.Text;
using TinyKv.Client;
using TinyKv.Client.Regions;
using TinyKv.Client.Scheduling;

namespace TinyKv.Server.Tests;

/// <summary>
/// The bank-style check of cross-region transactions: accounts opened with the same balance,
/// transfers that each move at least one unit from one account to another in one Percolator
/// transaction, and an audit that finds every balance non-negative and the total unchanged. A
/// transfer committed only in part (one account's region written, the other's not) changes the
/// total, so the audit catches it whether or not the client learned the outcome. Thread-safe.
/// </summary>
internal sealed class Bank(IReadOnlyList<byte[]> accounts, long opening)
{
    private int _committed;
    private int _conflicts;
    private int _aborted;
    private int _unknown;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _unknownReasons = new();

    /// <summary>The accounts' keys.</summary>
    public IReadOnlyList<byte[]> Accounts => accounts;

    /// <summary>Transfers that committed.</summary>
    public int Committed => Volatile.Read(ref _committed);

    /// <summary>Transfers that found an account already changed by another and wrote nothing.</summary>
    public int Conflicts => Volatile.Read(ref _conflicts);

    /// <summary>
    /// Transfers rolled back by another client (their lock outlived its time to live, as on a
    /// loaded machine): definitely not committed.
    /// </summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>Transfers whose outcome the client did not learn (a region or the scheduler unavailable, a retry limit).</summary>
    public int Unknown => Volatile.Read(ref _unknown);

    /// <summary>Why each transfer of <see cref="Unknown"/> ended, for a test's message.</summary>
    public string UnknownReasons => string.Join("; ", _unknownReasons);

    /// <summary>The money in the bank.</summary>
    public long Total => accounts.Count * opening;

    /// <summary>Account keys named after <paramref name="names"/>.</summary>
    public static IReadOnlyList<byte[]> Keys(IEnumerable<string> names) => [.. names.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Opens every account with the opening balance, in one transaction.</summary>
    public async Task OpenAsync(ClusterClient cluster)
    {
        var open = await cluster.Transactions.BeginAsync();
        foreach (var key in accounts)
        {
            open.Set(key, Amount(opening));
        }

        await open.CommitAsync();
    }

    /// <summary>
    /// One transfer between two accounts <paramref name="random"/> picks, of 1 to 20 units (none
    /// when the source is empty). Returns whether it committed and which accounts it touched.
    /// </summary>
    public async Task<(bool Committed, byte[] From, byte[] To)> TransferAsync(ClusterClient cluster, Random random)
    {
        var source = random.Next(accounts.Count);
        var (from, to) = (accounts[source], accounts[(source + 1 + random.Next(accounts.Count - 1)) % accounts.Count]);
        var want = 1 + random.Next(20);
        try
        {
            var txn = await cluster.Transactions.BeginAsync();
            var have = Number(await txn.GetAsync(from));
            if (have == 0)
            {
                return (false, from, to);
            }

            var amount = Math.Min(have, want);
            txn.Set(from, Amount(have - amount));
            txn.Set(to, Amount(Number(await txn.GetAsync(to)) + amount));
            await txn.CommitAsync();
            Interlocked.Increment(ref _committed);
            return (true, from, to);
        }
        catch (TransactionConflictException)
        {
            Interlocked.Increment(ref _conflicts);
        }
        catch (TransactionAbortedException)
        {
            Interlocked.Increment(ref _aborted);
        }
        catch (Exception ex) when (ex is RegionUnavailableException or SchedulerUnavailableException or TransactionException)
        {
            Interlocked.Increment(ref _unknown);
            _unknownReasons.Enqueue($"{ex.GetType().Name}: {ex.Message}");
        }

        return (false, from, to);
    }

    /// <summary>Every account's balance, read in one transaction.</summary>
    public async Task<IReadOnlyList<long>> AuditAsync(ClusterClient cluster)
    {
        var audit = await cluster.Transactions.BeginAsync();
        var balances = new List<long>();
        foreach (var key in accounts)
        {
            balances.Add(Number(await audit.GetAsync(key)));
        }

        return balances;
    }

    private static byte[] Amount(long amount) => Encoding.UTF8.GetBytes(amount.ToString(CultureInfo.InvariantCulture));

    private static long Number(byte[]? value) => value is null ? 0 : long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture);
}
