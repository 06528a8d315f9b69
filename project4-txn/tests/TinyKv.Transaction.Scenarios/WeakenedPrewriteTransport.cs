using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.TestKit.Transactions;
using TinyKv.Transaction.Mvcc;
using Lock = TinyKv.Transaction.Mvcc.Lock;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// A store with a deliberately broken KvPrewrite, to show that the scenarios catch the bug:
/// it refuses a key locked by another transaction, as it should, but never looks at the key's
/// write records, so it misses both a write committed after the transaction started (the
/// lost update) and the transaction's own rollback record left by a client that resolved its
/// lock (after which committing the primary breaks atomicity: readers see half a transfer).
/// Every other command is the real one.
/// </summary>
/// <remarks>It writes through the same storage and latches as the real handlers, with <see cref="MvccTxn"/>.</remarks>
public sealed class WeakenedPrewriteTransport(IStorage storage, TransactionApi api) : ITransactionTransport
{
    private readonly InProcessTransport _real = new(api);

    public async Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keys = request.Mutations.Select(m => m.Key.ToByteArray()).ToList();
        await api.Latches.AcquireAsync(keys);
        try
        {
            return await PrewriteWithoutConflictCheckAsync(request);
        }
        finally
        {
            api.Latches.Release(keys);
        }
    }

    public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) => _real.KvGetAsync(request, cancellationToken);

    public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) => _real.KvScanAsync(request, cancellationToken);

    public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) => _real.KvCommitAsync(request, cancellationToken);

    public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
        _real.KvCheckTxnStatusAsync(request, cancellationToken);

    public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
        _real.KvBatchRollbackAsync(request, cancellationToken);

    public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
        _real.KvResolveLockAsync(request, lockKey, cancellationToken);

    private async Task<PrewriteResponse> PrewriteWithoutConflictCheckAsync(PrewriteRequest request)
    {
        var response = new PrewriteResponse();
        using var reader = await storage.ReaderAsync(request.Context);
        var txn = new MvccTxn(reader, request.StartVersion);
        var primary = request.PrimaryLock.ToByteArray();
        foreach (var mutation in request.Mutations)
        {
            var key = mutation.Key.ToByteArray();

            // THE BUG: no txn.MostRecentWrite(key) check against the start timestamp here.
            if (txn.GetLock(key) is { } held && held.Ts != request.StartVersion)
            {
                response.Errors.Add(new KeyError { Locked = held.Info(key) });
                continue;
            }

            var kind = WriteKinds.FromProto(mutation.Op);
            if (kind == WriteKind.Put)
            {
                txn.PutValue(key, mutation.Value.ToByteArray());
            }
            else
            {
                txn.DeleteValue(key);
            }

            txn.PutLock(key, new Lock(primary, request.StartVersion, request.LockTtl, kind));
        }

        if (response.Errors.Count == 0 && txn.Writes.Count > 0)
        {
            await storage.WriteAsync(request.Context, txn.Writes);
        }

        return response;
    }
}
