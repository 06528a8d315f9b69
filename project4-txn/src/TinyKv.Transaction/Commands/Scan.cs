using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvScan: up to <c>limit</c> key-value pairs from <c>start_key</c> on, as of <c>version</c>.
    /// A key locked by a transaction that started at or before <c>version</c> comes back as a
    /// pair carrying a <c>locked</c> error instead of a value; the scan goes on past it.
    /// </summary>
    private ScanResponse Scan(ScanRequest req)
    {
#if TINYKV_REF_4C
        var response = new ScanResponse();
        using var reader = _storage.Reader(req.Context);
        var txn = new MvccTxn(reader, req.Version);
        using var scanner = new Scanner(req.StartKey.ToByteArray(), txn);
        while (response.Pairs.Count < req.Limit && scanner.Next() is var (key, value))
        {
            if (txn.GetLock(key) is { } held && held.Ts <= req.Version)
            {
                response.Pairs.Add(new KvPair { Key = Bytes(key), Error = new KeyError { Locked = held.Info(key) } });
                continue;
            }

            response.Pairs.Add(new KvPair { Key = Bytes(key), Value = Bytes(value) });
        }

        return response;
#else
        throw Todo.Slot("4C", "walk a Scanner from the start key up to the limit, reporting locked keys as errors; see the 4C handout, 'KvScan'");
#endif
    }
}
