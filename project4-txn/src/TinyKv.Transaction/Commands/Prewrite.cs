using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;
using Lock = TinyKv.Transaction.Mvcc.Lock;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvPrewrite: for every mutation, refuse if another transaction committed the key at or
    /// after our start (<c>conflict</c>) or holds a lock on it (<c>locked</c>); otherwise write
    /// the value (or delete it) at the start timestamp and lock the key, pointing at the primary.
    /// All or nothing: with any key error, nothing is written and every error is reported.
    /// </summary>
    private async Task<PrewriteResponse> PrewriteAsync(PrewriteRequest req)
    {
#if TINYKV_REF_4B
        var keys = req.Mutations.Select(m => m.Key.ToByteArray()).ToList();
        return await LatchedAsync(keys, async () =>
        {
            var response = new PrewriteResponse();
            using var reader = await _storage.ReaderAsync(req.Context);
            var txn = new MvccTxn(reader, req.StartVersion);
            var primary = req.PrimaryLock.ToByteArray();
            foreach (var mutation in req.Mutations)
            {
                var key = mutation.Key.ToByteArray();
                var (write, commitTs) = txn.MostRecentWrite(key);
                if (write is not null && commitTs >= req.StartVersion)
                {
                    response.Errors.Add(new KeyError
                    {
                        Conflict = new WriteConflict
                        {
                            StartTs = req.StartVersion,
                            ConflictTs = commitTs,
                            Key = mutation.Key,
                            Primary = req.PrimaryLock,
                        },
                    });
                    continue;
                }

                if (txn.GetLock(key) is { } held && held.Ts != req.StartVersion)
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

                txn.PutLock(key, new Lock(primary, req.StartVersion, req.LockTtl, kind));
            }

            if (response.Errors.Count == 0)
            {
                await WriteAsync(req.Context, txn, keys);
            }

            return response;
        });
#else
        throw Todo.Slot("4B", "latch the keys; per mutation check for a newer write and a foreign lock, then write the value and the lock; write nothing if any key failed; see the 4B handout, 'KvPrewrite'");
#endif
    }
}
