using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvResolveLock: finish, on every key it still locks, a transaction whose fate is known —
    /// commit it at <c>commit_version</c>, or roll it back when that is 0. Clients call it after
    /// KvCheckTxnStatus told them the fate of a lock that blocked them.
    /// </summary>
    private async Task<ResolveLockResponse> ResolveLockAsync(ResolveLockRequest req)
    {
#if TINYKV_REF_4C
        List<byte[]> keys;
        using (var reader = await _storage.ReaderAsync(req.Context))
        {
            keys = [.. new MvccTxn(reader, req.StartVersion).AllLocks().Select(l => l.Key)];
        }

        if (keys.Count == 0)
        {
            return new ResolveLockResponse();
        }

        var response = new ResolveLockResponse();
        if (req.CommitVersion == 0)
        {
            var rollback = await BatchRollbackAsync(new BatchRollbackRequest { Context = req.Context, StartVersion = req.StartVersion, Keys = { keys.Select(Bytes) } });
            response.Error = rollback.Error;
        }
        else
        {
            var commit = await CommitAsync(new CommitRequest { Context = req.Context, StartVersion = req.StartVersion, CommitVersion = req.CommitVersion, Keys = { keys.Select(Bytes) } });
            response.Error = commit.Error;
        }

        return response;
#else
        throw Todo.Slot("4C", "find every lock of the transaction, then commit or roll back those keys; see the 4C handout, 'KvResolveLock'");
#endif
    }
}
