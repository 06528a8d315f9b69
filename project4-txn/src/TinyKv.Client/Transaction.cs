using Google.Protobuf;
using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Client;

/// <summary>
/// One Percolator transaction. Reads see the store as of <see cref="StartTs"/> (a snapshot) plus
/// the transaction's own buffered writes; writes stay in the client until
/// <see cref="CommitAsync"/> prewrites and commits them all, or none.
/// </summary>
/// <remarks>
/// <para>A read blocked by another transaction's lock asks the lock's primary what became of
/// that transaction, finishes it if it is finished (or its lock expired), and otherwise waits
/// and tries again, up to <see cref="PercolatorClientOptions.MaxAttempts"/> times.</para>
/// <para>Not thread-safe: one caller at a time.</para>
/// </remarks>
public sealed partial class Transaction
{
    private readonly PercolatorClient _client;
    private readonly SortedDictionary<byte[], Mutation> _writes = new(KeyOrder.Instance);

    internal Transaction(PercolatorClient client, ulong startTs)
    {
        _client = client;
        StartTs = startTs;
    }

    /// <summary>The timestamp the transaction reads at; also its identity on the server.</summary>
    public ulong StartTs { get; }

    /// <summary>The commit timestamp, once one was taken (0 before, and for a transaction with nothing to write).</summary>
    public ulong CommitTs { get; private set; }

    /// <summary>Where the transaction stands.</summary>
    public TransactionState State { get; private set; } = TransactionState.Active;

    private ITransactionTransport Transport => _client.Transport;

    private PercolatorClientOptions Options => _client.Options;

    /// <summary>Buffers a write of <paramref name="value"/> to <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty.</exception>
    /// <exception cref="InvalidOperationException">The transaction is no longer active.</exception>
    public void Set(byte[] key, byte[] value)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureActive();
        _writes[key.ToArray()] = new Mutation { Op = Op.Put, Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) };
    }

    /// <summary>Buffers a delete of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty.</exception>
    /// <exception cref="InvalidOperationException">The transaction is no longer active.</exception>
    public void Delete(byte[] key)
    {
        CheckKey(key);
        EnsureActive();
        _writes[key.ToArray()] = new Mutation { Op = Op.Del, Key = ByteString.CopyFrom(key) };
    }

    /// <summary>
    /// The value of <paramref name="key"/> as this transaction sees it: its own buffered write if
    /// any, else the value committed at or before <see cref="StartTs"/>; null when there is none
    /// or it is deleted.
    /// </summary>
    /// <exception cref="RetryLimitExceededException">A lock stayed in the way (or the store kept failing) for every attempt.</exception>
    /// <exception cref="TransactionAbortedException">The store answered with an abort.</exception>
    public async Task<byte[]?> GetAsync(byte[] key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        EnsureActive();
        if (_writes.TryGetValue(key, out var own))
        {
            return own.Op == Op.Put ? own.Value.ToByteArray() : null;
        }

        var backoff = new Backoff(Options, $"reading {Quote.Readable(key)}", StartTs);
        var request = new GetRequest { Key = ByteString.CopyFrom(key), Version = StartTs };
        while (true)
        {
            var response = await Transport.KvGetAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.RegionError is { } region)
            {
                await backoff.WaitAsync($"region error: {region.Message}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Error is null)
            {
                return response.NotFound ? null : response.Value.ToByteArray();
            }

            await AfterKeyErrorAsync(response.Error, backoff, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> pairs in key order from <paramref name="startKey"/> on
    /// (inclusive), as this transaction sees them (its buffered writes included).
    /// </summary>
    /// <exception cref="RetryLimitExceededException">Locks stayed in the way (or the store kept failing) for every attempt.</exception>
    /// <exception cref="TransactionAbortedException">The store answered with an abort.</exception>
    public async Task<IReadOnlyList<KeyValuePair<byte[], byte[]>>> ScanAsync(byte[] startKey, uint limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        EnsureActive();
        if (limit == 0)
        {
            return [];
        }

        // Ask for as many more pairs as there are buffered writes in range: each may delete one.
        var buffered = _writes.Where(w => KeyOrder.Instance.Compare(w.Key, startKey) >= 0).ToList();
        var request = new ScanRequest
        {
            StartKey = ByteString.CopyFrom(startKey),
            Limit = (uint)Math.Min(uint.MaxValue, (ulong)limit + (ulong)buffered.Count),
            Version = StartTs,
        };
        var backoff = new Backoff(Options, $"scanning from {Quote.Readable(startKey)}", StartTs);
        while (true)
        {
            var response = await Transport.KvScanAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.RegionError is { } region)
            {
                await backoff.WaitAsync($"region error: {region.Message}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var failed = response.Pairs.Where(p => p.Error is not null).ToList();
            if (failed.Count == 0)
            {
                return Merge(response.Pairs, buffered, limit);
            }

            var locks = failed.Where(p => p.Error.Locked is not null).Select(p => p.Error.Locked).ToList();
            if (locks.Count < failed.Count)
            {
                await AfterKeyErrorAsync(failed.First(p => p.Error.Locked is null).Error, backoff, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var reason = $"{Quote.Readable(locks[0].Key.Span)} locked by transaction {locks[0].LockVersion}";
            if (await _client.Resolver.ResolveAllAsync(locks, cancellationToken).ConfigureAwait(false))
            {
                backoff.Again(reason);
            }
            else
            {
                await backoff.WaitAsync(reason, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Gives up the transaction. Before commit this only drops the buffered writes. After a
    /// commit stopped at <see cref="CommitStage.Prewritten"/> (or one that failed part-way before
    /// its commit point) it rolls back the keys on the server.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction is committed.</exception>
    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        switch (State)
        {
            case TransactionState.Active:
                _writes.Clear();
                State = TransactionState.RolledBack;
                return;
            case TransactionState.RolledBack:
                return;
            case TransactionState.Committed:
                throw new InvalidOperationException($"transaction {StartTs} is committed at {CommitTs}; it cannot be rolled back");
            default:
                await RollBackKeysAsync(_writes.Keys, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Acts on a key error of a read: resolves a lock (waiting first if its owner is alive),
    /// waits after a <c>retryable</c> error, and throws on anything else.
    /// </summary>
    private async Task AfterKeyErrorAsync(KeyError error, Backoff backoff, CancellationToken cancellationToken)
    {
        if (error.Locked is { } locked)
        {
            var reason = $"{Quote.Readable(locked.Key.Span)} locked by transaction {locked.LockVersion}";
            if (await _client.Resolver.ResolveAsync(locked, cancellationToken).ConfigureAwait(false))
            {
                backoff.Again(reason);
            }
            else
            {
                await backoff.WaitAsync(reason, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (error.Retryable.Length > 0)
        {
            await backoff.WaitAsync($"retryable: {error.Retryable}", cancellationToken).ConfigureAwait(false);
            return;
        }

        throw new TransactionAbortedException($"transaction {StartTs}: the store refused a read: {Describe(error)}") { StartTs = StartTs };
    }

    private static List<KeyValuePair<byte[], byte[]>> Merge(IEnumerable<KvPair> stored, List<KeyValuePair<byte[], Mutation>> buffered, uint limit)
    {
        var merged = new SortedDictionary<byte[], byte[]?>(KeyOrder.Instance);
        foreach (var pair in stored)
        {
            merged[pair.Key.ToByteArray()] = pair.Value.ToByteArray();
        }

        foreach (var (key, mutation) in buffered)
        {
            merged[key] = mutation.Op == Op.Put ? mutation.Value.ToByteArray() : null;
        }

        return [.. merged.Where(p => p.Value is not null).Take((int)Math.Min(limit, int.MaxValue)).Select(p => KeyValuePair.Create(p.Key, p.Value!))];
    }

    private static string Describe(KeyError error) => error switch
    {
        { Locked: { } l } => $"{Quote.Readable(l.Key.Span)} is locked by transaction {l.LockVersion} (primary {Quote.Readable(l.PrimaryLock.Span)})",
        { Conflict: { } c } => $"write conflict on {Quote.Readable(c.Key.Span)} with a commit at {c.ConflictTs}",
        { Abort.Length: > 0 } => "abort: " + error.Abort,
        { Retryable.Length: > 0 } => "retryable: " + error.Retryable,
        _ => "an empty key error",
    };

    private static void CheckKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("a key must not be empty", nameof(key));
        }
    }

    private void EnsureActive()
    {
        if (State != TransactionState.Active)
        {
            throw new InvalidOperationException($"transaction {StartTs} is {State.ToString().ToLowerInvariant()}; begin a new one");
        }
    }
}
