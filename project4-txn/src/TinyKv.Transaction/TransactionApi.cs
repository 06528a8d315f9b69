using Google.Protobuf;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

/// <summary>
/// The transactional KV API: the handlers of Percolator's commands over multi-version storage.
/// Each handler serves one request as one command: it latches the keys it may write, reads
/// through one storage reader, collects its writes in an <see cref="MvccTxn"/> and writes them
/// as one batch, or writes nothing when it answers with an error.
/// </summary>
/// <remarks>
/// <para>Errors a client acts on (a key locked by another transaction, a write conflict, an
/// aborted transaction) come back in the response's key error. A region error from a replicated
/// storage comes back in <c>region_error</c>. A malformed request (zero timestamp, empty key,
/// duplicate keys in a prewrite, commit not after start) faults the handler's task with
/// <see cref="InvalidRequestException"/> before anything is read.</para>
/// <para>Every handler is asynchronous: waiting for a latch, for a reader or for a write to be
/// durable (or replicated) holds no thread. Over in-memory storage with no latch held, a
/// handler's task is complete when it returns.</para>
/// <para>The request checks and the region-error plumbing are given; the commands themselves
/// (files under <c>Commands/</c>) are the 4B and 4C slots.</para>
/// </remarks>
public sealed partial class TransactionApi
{
    private readonly IStorage _storage;

    /// <summary>Creates the handlers over <paramref name="storage"/>, which the caller starts and stops.</summary>
    public TransactionApi(IStorage storage, Latches? latches = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        Latches = latches ?? new Latches();
    }

    /// <summary>The latches commands take; one set per storage.</summary>
    public Latches Latches { get; }

    /// <summary>Reads one key at a timestamp.</summary>
    /// <exception cref="InvalidRequestException">The key is empty or the version is zero.</exception>
    public async Task<GetResponse> KvGetAsync(GetRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Check.Key(req.Key, "key");
        Check.Timestamp(req.Version, "version");
        return await RegionErrorException.AnswerWithAsync(() => GetAsync(req), error => new GetResponse { RegionError = error });
    }

    /// <summary>The first phase of a commit: locks every key of the mutations and writes their values.</summary>
    /// <exception cref="InvalidRequestException">A key is empty or repeated, the start version is zero, the primary is missing, or a mutation is not a put or a delete.</exception>
    public async Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Check.Timestamp(req.StartVersion, "start_version");
        if (req.Mutations.Count > 0)
        {
            Check.Key(req.PrimaryLock, "primary_lock");
        }

        foreach (var mutation in req.Mutations)
        {
            Check.Key(mutation.Key, "mutation key");
            if (mutation.Op is not (Op.Put or Op.Del))
            {
                throw new InvalidRequestException($"a prewrite mutation puts or deletes; {mutation.Op} on key {Check.Show(mutation.Key)} is neither");
            }
        }

        Check.Distinct(req.Mutations.Select(m => m.Key), "mutations");
        return await RegionErrorException.AnswerWithAsync(() => PrewriteAsync(req), error => new PrewriteResponse { RegionError = error });
    }

    /// <summary>The second phase: turns the transaction's locks on the keys into commit records.</summary>
    /// <exception cref="InvalidRequestException">A key is empty, the start version is zero, or the commit version is not after it.</exception>
    public async Task<CommitResponse> KvCommitAsync(CommitRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Check.Timestamp(req.StartVersion, "start_version");
        if (req.CommitVersion <= req.StartVersion)
        {
            throw new InvalidRequestException($"commit_version ({req.CommitVersion}) must come after start_version ({req.StartVersion})");
        }

        Check.Keys(req.Keys, "keys");
        return await RegionErrorException.AnswerWithAsync(() => CommitAsync(req), error => new CommitResponse { RegionError = error });
    }

    /// <summary>Reads up to <c>limit</c> keys from <c>start_key</c> on, at a timestamp.</summary>
    /// <exception cref="InvalidRequestException">The version is zero.</exception>
    public async Task<ScanResponse> KvScanAsync(ScanRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Check.Timestamp(req.Version, "version");
        return await RegionErrorException.AnswerWithAsync(() => ScanAsync(req), error => new ScanResponse { RegionError = error });
    }

    /// <summary>Reports whether the transaction of a primary lock committed, is still running, or is rolled back (rolling it back if its lock expired).</summary>
    /// <exception cref="InvalidRequestException">The primary key is empty or a timestamp is zero.</exception>
    public async Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Check.Key(req.PrimaryKey, "primary_key");
        Check.Timestamp(req.LockTs, "lock_ts");
        Check.Timestamp(req.CurrentTs, "current_ts");
        return await RegionErrorException.AnswerWithAsync(() => CheckTxnStatusAsync(req), error => new CheckTxnStatusResponse { RegionError = error });
    }

    /// <summary>Rolls a transaction back on the keys: removes its locks and values, and leaves rollback records.</summary>
    /// <exception cref="InvalidRequestException">A key is empty or the start version is zero.</exception>
    public async Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Check.Timestamp(req.StartVersion, "start_version");
        Check.Keys(req.Keys, "keys");
        return await RegionErrorException.AnswerWithAsync(() => BatchRollbackAsync(req), error => new BatchRollbackResponse { RegionError = error });
    }

    /// <summary>Commits (commit version non-zero) or rolls back (zero) every lock the transaction still holds.</summary>
    /// <exception cref="InvalidRequestException">The commit version is non-zero and not after the start version.</exception>
    public async Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (req.CommitVersion != 0 && req.CommitVersion <= req.StartVersion)
        {
            throw new InvalidRequestException($"commit_version ({req.CommitVersion}) must be 0 (roll back) or come after start_version ({req.StartVersion})");
        }

        return await RegionErrorException.AnswerWithAsync(() => ResolveLockAsync(req), error => new ResolveLockResponse { RegionError = error });
    }

    /// <summary>
    /// Writes a command's collected writes as one batch, if it has any, after the latch
    /// validation hook has seen them.
    /// </summary>
    private async ValueTask WriteAsync(Context? context, MvccTxn txn, IReadOnlyList<byte[]> latched)
    {
        Latches.Validate(txn, latched);
        if (txn.Writes.Count > 0)
        {
            await _storage.WriteAsync(context, txn.Writes);
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> holding the latches of <paramref name="keys"/>. Waiting for
    /// a latch, or for the storage inside the command, holds no thread.
    /// </summary>
    private async Task<T> LatchedAsync<T>(IReadOnlyList<byte[]> keys, Func<Task<T>> command)
    {
        await Latches.AcquireAsync(keys);
        try
        {
            return await command();
        }
        finally
        {
            Latches.Release(keys);
        }
    }

    private static List<byte[]> Distinct(IEnumerable<ByteString> keys)
    {
        var seen = new HashSet<ByteString>();
        return [.. keys.Where(seen.Add).Select(k => k.ToByteArray())];
    }

    private static ByteString Bytes(byte[] bytes) => ByteString.CopyFrom(bytes);

    /// <summary>Request checks shared by the handlers.</summary>
    private static class Check
    {
        public static void Timestamp(ulong ts, string field)
        {
            if (ts == 0)
            {
                throw new InvalidRequestException($"{field} must be a timestamp from the oracle, not 0");
            }
        }

        public static void Key(ByteString key, string field)
        {
            if (key.IsEmpty)
            {
                throw new InvalidRequestException($"{field} must not be empty");
            }
        }

        public static void Keys(IEnumerable<ByteString> keys, string field)
        {
            foreach (var key in keys)
            {
                Key(key, $"every key of {field}");
            }
        }

        public static void Distinct(IEnumerable<ByteString> keys, string field)
        {
            var seen = new HashSet<ByteString>();
            foreach (var key in keys)
            {
                if (!seen.Add(key))
                {
                    throw new InvalidRequestException($"key {Show(key)} appears twice in {field}; a transaction writes each key once");
                }
            }
        }

        public static string Show(ByteString key) => Quote.Hex(key.Span);
    }
}
