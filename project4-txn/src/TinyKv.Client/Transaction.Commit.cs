using Google.Protobuf;
using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Client;

/// <summary>Percolator's two-phase commit.</summary>
public sealed partial class Transaction
{
    /// <summary>
    /// Commits the buffered writes, all or nothing, in Percolator's two phases. Prewrite locks
    /// every key and writes its value at <see cref="StartTs"/>; the first key in key order is the
    /// primary, whose lock the others point to. Then the client takes a commit timestamp and
    /// commits the primary: that is the commit point, after which the transaction counts as
    /// committed whatever happens to the secondaries, which it commits last.
    /// </summary>
    /// <param name="stopAfter">Stop part-way, as a crashed client would (for tests); the default commits every key.</param>
    /// <returns>The commit timestamp; 0 when there was nothing to write or the commit stopped after prewrite.</returns>
    /// <exception cref="TransactionConflictException">Another transaction committed one of the keys after this one started; this one is rolled back.</exception>
    /// <exception cref="TransactionAbortedException">Someone rolled this transaction back before its commit point (its lock expired); nothing is visible.</exception>
    /// <exception cref="RetryLimitExceededException">Locks (or store failures) stayed in the way; rolled back if before the commit point.</exception>
    /// <exception cref="InvalidOperationException">The transaction is no longer active.</exception>
    public async Task<ulong> CommitAsync(CommitStage stopAfter = CommitStage.Completed, CancellationToken cancellationToken = default)
    {
        EnsureActive();
        if (_writes.Count == 0)
        {
            State = TransactionState.Committed; // Read-only: there is nothing to make visible.
            return 0;
        }

        // Until the primary commits or the transaction is rolled back, a failed call leaves the outcome open.
        State = TransactionState.Unknown;
        var mutations = _writes.Values.ToList();
        var primary = mutations[0].Key;
        await PrewriteAsync(primary, mutations, cancellationToken).ConfigureAwait(false);
        if (stopAfter == CommitStage.Prewritten)
        {
            State = TransactionState.Abandoned;
            return 0;
        }

        CommitTs = await _client.Oracle.NextAsync(cancellationToken).ConfigureAwait(false);
        await CommitPrimaryAsync(primary, cancellationToken).ConfigureAwait(false);
        State = TransactionState.Committed;
        if (stopAfter == CommitStage.Completed && mutations.Count > 1)
        {
            await CommitSecondariesAsync([.. mutations.Skip(1).Select(m => m.Key)], cancellationToken).ConfigureAwait(false);
        }

        return CommitTs;
    }

    /// <summary>
    /// Prewrites the primary in a batch of its own and the secondaries in another, both sent at
    /// once, as a client with a batch per region would: the store may see them in either order.
    /// Waiting for both ensures the primary is locked before anything commits. If either batch
    /// is refused, every key is rolled back and the refusal is thrown.
    /// </summary>
    private async Task PrewriteAsync(ByteString primary, List<Mutation> mutations, CancellationToken cancellationToken)
    {
        List<List<Mutation>> batches = mutations.Count == 1 ? [mutations] : [[mutations[0]], mutations[1..]];
        var round = new PrewriteRound();
        var outcomes = await Task.WhenAll(batches.Select(batch => PrewriteBatchAsync(primary, batch, round, cancellationToken))).ConfigureAwait(false);
        if (outcomes.FirstOrDefault(o => o is not null) is { } refusal)
        {
            await RollBackKeysAsync(_writes.Keys, cancellationToken).ConfigureAwait(false);
            throw refusal;
        }
    }

    /// <summary>Prewrites one batch, resolving locks in its way; returns why it was refused, or null.</summary>
    private async Task<TransactionException?> PrewriteBatchAsync(ByteString primary, List<Mutation> batch, PrewriteRound round, CancellationToken cancellationToken)
    {
        var request = new PrewriteRequest
        {
            PrimaryLock = primary,
            StartVersion = StartTs,
            LockTtl = (ulong)Options.LockTtl.TotalMilliseconds,
            Mutations = { batch },
        };
        var more = batch.Count > 1 ? $" and {batch.Count - 1} more keys" : "";
        var backoff = new Backoff(Options, $"prewriting {Quote.Readable(batch[0].Key.Span)}{more} (transaction {StartTs})", StartTs);
        try
        {
            while (!round.Refused)
            {
                var response = await Transport.KvPrewriteAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.RegionError is { } region)
                {
                    await backoff.WaitAsync($"region error: {region.Message}", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (response.Errors.Count == 0)
                {
                    return null;
                }

                if (Refusal(response.Errors) is { } refusal)
                {
                    round.Refused = true;
                    return refusal;
                }

                var locks = response.Errors.Where(e => e.Locked is not null).Select(e => e.Locked).ToList();
                if (locks.Count == 0)
                {
                    await backoff.WaitAsync(Describe(response.Errors[0]), cancellationToken).ConfigureAwait(false);
                }
                else if (await _client.Resolver.ResolveAllAsync(locks, cancellationToken).ConfigureAwait(false))
                {
                    backoff.Again(Describe(response.Errors[0]));
                }
                else
                {
                    await backoff.WaitAsync(Describe(response.Errors[0]), cancellationToken).ConfigureAwait(false);
                }
            }

            return null; // The other batch was refused; the transaction is about to be rolled back.
        }
        catch (RetryLimitExceededException gaveUp)
        {
            round.Refused = true;
            return gaveUp;
        }
    }

    /// <summary>The error that ends the transaction among a prewrite's key errors (a conflict or an abort), or null if it may retry.</summary>
    private TransactionException? Refusal(IEnumerable<KeyError> errors)
    {
        foreach (var error in errors)
        {
            if (error.Conflict is { } conflict)
            {
                var key = Quote.Readable(conflict.Key.Span);
                if (conflict.ConflictTs == StartTs)
                {
                    // Only this transaction's own rollback record carries its start timestamp.
                    return new TransactionAbortedException(
                        $"transaction {StartTs} was rolled back by another client before its prewrite of {key} arrived; nothing was written")
                    { StartTs = StartTs };
                }

                return new TransactionConflictException(
                    $"transaction {StartTs} conflicts on {key}: another transaction committed it at {conflict.ConflictTs}, after this one started; nothing was written")
                {
                    StartTs = StartTs,
                    Key = conflict.Key.ToByteArray(),
                    ConflictTs = conflict.ConflictTs,
                };
            }

            if (error.Abort.Length > 0)
            {
                return new TransactionAbortedException($"transaction {StartTs}: prewrite refused: {error.Abort}; nothing was written") { StartTs = StartTs };
            }
        }

        return null;
    }

    /// <summary>Commits the primary key: the commit point. Refused with an abort, the transaction was rolled back by someone else.</summary>
    private async Task CommitPrimaryAsync(ByteString primary, CancellationToken cancellationToken)
    {
        var request = new CommitRequest { StartVersion = StartTs, CommitVersion = CommitTs, Keys = { primary } };
        var backoff = new Backoff(Options, $"committing the primary {Quote.Readable(primary.Span)} (transaction {StartTs})", StartTs);
        while (true)
        {
            var response = await Transport.KvCommitAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.RegionError is { } region)
            {
                await backoff.WaitAsync($"region error: {region.Message}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Error is null)
            {
                return;
            }

            if (response.Error.Abort.Length > 0)
            {
                // Rolled back (its lock expired and a blocked client rolled it back): clean up the secondaries too.
                await RollBackKeysAsync(_writes.Keys, cancellationToken).ConfigureAwait(false);
                throw new TransactionAbortedException(
                    $"transaction {StartTs} was rolled back by another client before it could commit (its lock on {Quote.Readable(primary.Span)} expired); nothing was written: {response.Error.Abort}")
                { StartTs = StartTs };
            }

            await backoff.WaitAsync(Describe(response.Error), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Commits the secondaries after the commit point. The transaction is committed whatever
    /// this achieves: a lock left behind is resolved by the next reader that meets it.
    /// </summary>
    private async Task CommitSecondariesAsync(List<ByteString> keys, CancellationToken cancellationToken)
    {
        var request = new CommitRequest { StartVersion = StartTs, CommitVersion = CommitTs, Keys = { keys } };
        var backoff = new Backoff(Options, $"committing the secondaries (transaction {StartTs})", StartTs);
        try
        {
            while (true)
            {
                var response = await Transport.KvCommitAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.RegionError is null && response.Error is not { Retryable.Length: > 0 })
                {
                    return;
                }

                await backoff.WaitAsync(response.RegionError?.Message ?? Describe(response.Error), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RetryLimitExceededException)
        {
            // Committed at the primary: the leftover locks are for readers to resolve.
        }
    }

    /// <summary>Rolls the transaction back on <paramref name="keys"/>, retrying region errors.</summary>
    private async Task RollBackKeysAsync(IEnumerable<byte[]> keys, CancellationToken cancellationToken)
    {
        var request = new BatchRollbackRequest { StartVersion = StartTs, Keys = { keys.Select(k => ByteString.CopyFrom(k)) } };
        var backoff = new Backoff(Options, $"rolling back transaction {StartTs}", StartTs);
        while (true)
        {
            var response = await Transport.KvBatchRollbackAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.RegionError is { } region)
            {
                await backoff.WaitAsync($"region error: {region.Message}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Error is { Abort.Length: > 0 } refused)
            {
                State = TransactionState.Unknown;
                throw new TransactionException($"transaction {StartTs} cannot be rolled back: {refused.Abort}") { StartTs = StartTs };
            }

            State = TransactionState.RolledBack;
            return;
        }
    }

    /// <summary>Shared by the batches of one prewrite: once one is refused, the others stop retrying.</summary>
    private sealed class PrewriteRound
    {
        public bool Refused { get; set; }
    }
}
