using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvCommit: for every key, turn the transaction's lock into a write record at the commit
    /// timestamp and remove the lock. A key already committed by this transaction is fine (a
    /// repeated commit); a key it rolled back is an <c>abort</c>; a key locked by another
    /// transaction is <c>retryable</c>. With an error, nothing is written.
    /// </summary>
    private async Task<CommitResponse> CommitAsync(CommitRequest req)
    {
#if TINYKV_REF_4B
        var keys = Distinct(req.Keys);
        return await LatchedAsync(keys, async () =>
        {
            var response = new CommitResponse();
            using var reader = await _storage.ReaderAsync(req.Context);
            var txn = new MvccTxn(reader, req.StartVersion);
            foreach (var key in keys)
            {
                var held = txn.GetLock(key);
                if (held is null || held.Ts != req.StartVersion)
                {
                    var (write, _) = txn.CurrentWrite(key);
                    if (write is { Kind: WriteKind.Rollback })
                    {
                        response.Error = new KeyError { Abort = $"transaction {req.StartVersion} was rolled back on key {Quote.Hex(key)}" };
                        return response;
                    }

                    if (write is not null)
                    {
                        continue; // Committed already: a repeated commit changes nothing.
                    }

                    if (held is not null)
                    {
                        response.Error = new KeyError { Retryable = $"key {Quote.Hex(key)} is locked by transaction {held.Ts}, not {req.StartVersion}" };
                        return response;
                    }

                    continue; // No lock, no record: nothing of this transaction to commit here.
                }

                txn.PutWrite(key, req.CommitVersion, new Write(req.StartVersion, held.Kind));
                txn.DeleteLock(key);
            }

            await WriteAsync(req.Context, txn, keys);
            return response;
        });
#else
        throw Todo.Slot("4B", "latch the keys; per key find the transaction's lock (or its earlier commit or rollback) and write the commit record; see the 4B handout, 'KvCommit'");
#endif
    }
}
