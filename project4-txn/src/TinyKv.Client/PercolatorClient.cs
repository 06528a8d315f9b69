namespace TinyKv.Client;

/// <summary>
/// A Percolator transaction client: begins transactions at a timestamp from the oracle and
/// runs their reads and two-phase commits through a transport.
/// </summary>
/// <example>
/// <code>
/// var client = new PercolatorClient(new GrpcTransport(grpcClient), ClockOracle.System());
/// var txn = await client.BeginAsync();
/// var balance = await txn.GetAsync(key);
/// txn.Set(key, newBalance);
/// var commitTs = await txn.CommitAsync();
/// </code>
/// </example>
/// <remarks>Thread-safe; each <see cref="Transaction"/> is for one caller at a time.</remarks>
public sealed class PercolatorClient
{
    /// <summary>A client over <paramref name="transport"/> taking timestamps from <paramref name="oracle"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public PercolatorClient(ITransactionTransport transport, ITimestampOracle oracle, PercolatorClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(oracle);
        Options = options ?? new PercolatorClientOptions();
        Options.Validate();
        Transport = transport;
        Oracle = oracle;
        Resolver = new LockResolver(transport, oracle);
    }

    public ITransactionTransport Transport { get; }

    public ITimestampOracle Oracle { get; }

    public PercolatorClientOptions Options { get; }

    internal LockResolver Resolver { get; }

    /// <summary>Starts a transaction: it reads the store as of a fresh start timestamp.</summary>
    public async Task<Transaction> BeginAsync(CancellationToken cancellationToken = default) =>
        new(this, await Oracle.NextAsync(cancellationToken).ConfigureAwait(false));
}
