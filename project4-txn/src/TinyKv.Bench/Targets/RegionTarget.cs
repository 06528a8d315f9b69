using Google.Protobuf;
using TinyKv.Client;
using TinyKv.Client.Regions;

namespace TinyKv.Bench.Targets;

/// <summary>
/// A multi-region TinyKV cluster through the repository's region-aware client
/// (<see cref="ClusterClient"/>): the scheduler tells which region holds a key and which store
/// leads it; puts and gets are raw requests to that leader, a transaction is a Percolator
/// transaction across regions with timestamps from the scheduler's TSO.
/// </summary>
/// <remarks>
/// The target keeps <see cref="BenchOptions.Connections"/> cluster clients, each with its own
/// scheduler link, region cache and channels to the stores, the way the other targets keep that
/// many channels per endpoint; client <c>i</c> uses cluster client <c>i mod Connections</c>.
/// The region client retries by itself (<see cref="BenchOptions.MaxRetries"/> + 1 attempts per
/// request) and does not say why it retried, so a run through it reports no retries by kind.
/// </remarks>
public sealed class RegionTarget : IBenchTarget
{
    private readonly ClusterClient[] _clusters;
    private readonly TimeSpan _deadline;

    public RegionTarget(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schedulers = options.Schedulers ?? throw new ArgumentException("a region target needs the scheduler's addresses (--scheduler)", nameof(options));
        _deadline = options.Deadline;
        var regionOptions = new RegionClientOptions { MaxAttempts = options.MaxRetries + 1 };
        var transactionOptions = new PercolatorClientOptions { MaxAttempts = 5 }; // as the single-region target
        _clusters = [.. Enumerable.Range(0, options.Connections).Select(_ => ClusterClient.Connect(schedulers, regionOptions, transactionOptions))];
    }

    public IBenchClient CreateClient(int clientIndex) => new RegionSession(_clusters[clientIndex % _clusters.Length], _deadline);

    public async ValueTask DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// One client of a <see cref="RegionTarget"/>. The deadline bounds the whole operation (every
/// attempt the region client makes, and for a transaction its timestamps, prewrite and commit):
/// the region client sends without a per-request deadline.
/// </summary>
internal sealed class RegionSession(ClusterClient cluster, TimeSpan deadline) : IBenchClient
{
    public Task<OpOutcome> PutAsync(byte[] key, byte[] value, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            await cluster.Raw.PutAsync(UnsafeByteOperations.UnsafeWrap(key), UnsafeByteOperations.UnsafeWrap(value), cancellationToken: token).ConfigureAwait(false);
        }, cancellationToken);

    public Task<OpOutcome> GetAsync(byte[] key, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            _ = await cluster.Raw.GetAsync(UnsafeByteOperations.UnsafeWrap(key), cancellationToken: token).ConfigureAwait(false);
        }, cancellationToken);

    public Task<OpOutcome> TxnAsync(IReadOnlyList<byte[]> keys, byte[] value, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            var txn = await cluster.Transactions.BeginAsync(token).ConfigureAwait(false);
            foreach (var key in keys)
            {
                txn.Set(key, value);
            }

            await txn.CommitAsync(cancellationToken: token).ConfigureAwait(false);
        }, cancellationToken);

    // Runs one operation under the deadline. A failure becomes its kind; the end of the run
    // (cancellation of `cancellationToken`) still ends the operation with an exception.
    private async Task<OpOutcome> RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        string? error = null;
        try
        {
            await operation(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? ErrorKinds.Deadline : ErrorKinds.Of(ex);
        }

        return OpOutcome.Of(error, []);
    }
}
