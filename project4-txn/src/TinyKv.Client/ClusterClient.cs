using TinyKv.Client.Regions;
using TinyKv.Client.Scheduling;

namespace TinyKv.Client;

/// <summary>
/// A client of a multi-region cluster: one line to the scheduler (following its leader), one
/// region cache, and over them the raw API (<see cref="Raw"/>) and Percolator transactions
/// (<see cref="Transactions"/>) whose requests go to each key's region and whose timestamps come
/// from the scheduler's TSO.
/// </summary>
/// <example>
/// <code>
/// await using var cluster = ClusterClient.Connect(SchedulerLink.ParseEndpoints("127.0.0.1:2379"));
/// await cluster.Raw.PutAsync(key, value);
/// var txn = await cluster.Transactions.BeginAsync();
/// txn.Set(a, x);
/// txn.Set(b, y); // b may live in another region: the commit is still all or nothing
/// await txn.CommitAsync();
/// </code>
/// </example>
/// <remarks>Thread-safe.</remarks>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly RegionRequestSender _sender;
    private readonly SchedulerTimestampOracle _oracle;

    private ClusterClient(SchedulerLink scheduler, RegionRequestSender sender, PercolatorClientOptions? transactionOptions)
    {
        Scheduler = scheduler;
        _sender = sender;
        _oracle = new SchedulerTimestampOracle(scheduler);
        Raw = new RawKvClient(sender);
        Transactions = new PercolatorClient(new RegionTransport(sender), _oracle, transactionOptions);
    }

    /// <summary>The line to the scheduler.</summary>
    public SchedulerLink Scheduler { get; }

    /// <summary>The regions the client knows.</summary>
    public RegionCache Regions => _sender.Cache;

    /// <summary>The raw key-value API, across regions.</summary>
    public RawKvClient Raw { get; }

    /// <summary>Percolator transactions, across regions, with the scheduler's timestamps.</summary>
    public PercolatorClient Transactions { get; }

    /// <summary>A client of the cluster whose scheduler members serve at <paramref name="schedulers"/> (nothing is sent yet).</summary>
    /// <exception cref="ArgumentException">No scheduler address is given.</exception>
    public static ClusterClient Connect(
        IReadOnlyList<Uri> schedulers,
        RegionClientOptions? regionOptions = null,
        PercolatorClientOptions? transactionOptions = null,
        SchedulerLinkOptions? schedulerOptions = null)
    {
        var link = new SchedulerLink(schedulers, schedulerOptions);
        return new ClusterClient(link, new RegionRequestSender(new SchedulerDirectory(link), regionOptions), transactionOptions);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _oracle.DisposeAsync().ConfigureAwait(false);
        _sender.Dispose();
        Scheduler.Dispose();
    }
}
