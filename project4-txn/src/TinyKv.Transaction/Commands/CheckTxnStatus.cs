using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;
using Action = TinyKv.Proto.Kvrpcpb.Action;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvCheckTxnStatus: what became of the transaction that started at <c>lock_ts</c>, judged by
    /// its primary key. Its lock still there: alive (<c>lock_ttl</c>), unless the TTL ran out by
    /// <c>current_ts</c>, then it is rolled back now (<c>TTLExpireRollback</c>). No lock: it
    /// committed (<c>commit_version</c>), was rolled back, or never prewrote the primary, in
    /// which case a rollback record makes sure it never will (<c>LockNotExistRollback</c>).
    /// </summary>
    private async Task<CheckTxnStatusResponse> CheckTxnStatusAsync(CheckTxnStatusRequest req)
    {
#if TINYKV_REF_4C
        var primary = req.PrimaryKey.ToByteArray();
        return await LatchedAsync([primary], async () =>
        {
            var response = new CheckTxnStatusResponse();
            using var reader = await _storage.ReaderAsync(req.Context);
            var txn = new MvccTxn(reader, req.LockTs);
            if (txn.GetLock(primary) is { } held && held.Ts == req.LockTs)
            {
                if (!held.ExpiredAt(req.CurrentTs))
                {
                    response.Action = Action.NoAction;
                    response.LockTtl = held.Ttl;
                    return response;
                }

                if (held.Kind == WriteKind.Put)
                {
                    txn.DeleteValue(primary);
                }

                txn.DeleteLock(primary);
                txn.PutWrite(primary, req.LockTs, new Write(req.LockTs, WriteKind.Rollback));
                await WriteAsync(req.Context, txn, [primary]);
                response.Action = Action.TtlexpireRollback;
                return response;
            }

            var (write, commitTs) = txn.CurrentWrite(primary);
            if (write is null)
            {
                txn.PutWrite(primary, req.LockTs, new Write(req.LockTs, WriteKind.Rollback));
                await WriteAsync(req.Context, txn, [primary]);
                response.Action = Action.LockNotExistRollback;
                return response;
            }

            response.Action = Action.NoAction;
            if (write.Kind != WriteKind.Rollback)
            {
                response.CommitVersion = commitTs;
            }

            return response;
        });
#else
        throw Todo.Slot("4C", "look at the primary's lock (alive or expired) or, without one, at the transaction's write record; see the 4C handout, 'KvCheckTxnStatus'");
#endif
    }
}
