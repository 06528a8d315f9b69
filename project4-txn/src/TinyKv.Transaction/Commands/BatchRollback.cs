using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvBatchRollback: roll the transaction back on every key. A key it committed is an
    /// <c>abort</c> (nothing is written); a key already rolled back is fine. Otherwise remove its
    /// lock and value if it holds the lock, and in every case leave a rollback record at the
    /// start timestamp, so a prewrite arriving late cannot succeed.
    /// </summary>
    private async Task<BatchRollbackResponse> BatchRollbackAsync(BatchRollbackRequest req)
    {
#if TINYKV_REF_4C
        var keys = Distinct(req.Keys);
        return await LatchedAsync(keys, async () =>
        {
            var response = new BatchRollbackResponse();
            using var reader = await _storage.ReaderAsync(req.Context);
            var txn = new MvccTxn(reader, req.StartVersion);
            if (RollBack(txn, keys) is { } error)
            {
                response.Error = error;
                return response;
            }

            await WriteAsync(req.Context, txn, keys);
            return response;
        });
#else
        throw Todo.Slot("4C", "latch the keys; per key refuse if committed, skip if rolled back, else remove our lock and value and write a rollback record; see the 4C handout, 'KvBatchRollback'");
#endif
    }

#if TINYKV_REF_4C
    /// <summary>Collects the rollback of <paramref name="keys"/> in <paramref name="txn"/>; returns the error if a key is committed.</summary>
    private static KeyError? RollBack(MvccTxn txn, IEnumerable<byte[]> keys)
    {
        foreach (var key in keys)
        {
            var (write, _) = txn.CurrentWrite(key);
            if (write is { Kind: WriteKind.Rollback })
            {
                continue;
            }

            if (write is not null)
            {
                return new KeyError { Abort = $"transaction {txn.StartTs} is committed on key {Quote.Hex(key)}; it cannot be rolled back" };
            }

            if (txn.GetLock(key) is { } held && held.Ts == txn.StartTs)
            {
                if (held.Kind == WriteKind.Put)
                {
                    txn.DeleteValue(key);
                }

                txn.DeleteLock(key);
            }

            txn.PutWrite(key, txn.StartTs, new Write(txn.StartTs, WriteKind.Rollback));
        }

        return null;
    }
#endif
}
