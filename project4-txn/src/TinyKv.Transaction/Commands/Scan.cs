using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.Storage.Engine;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvScan: up to <c>limit</c> key-value pairs from <c>start_key</c> on, as of <c>version</c>.
    /// A key locked by a transaction that started at or before <c>version</c> comes back as a
    /// pair carrying a <c>locked</c> error instead of a value; the scan goes on past it.
    /// </summary>
    private async Task<ScanResponse> ScanAsync(ScanRequest req)
    {
#if TINYKV_REF_4C
        var response = new ScanResponse();
        var startKey = req.StartKey.ToByteArray();
        using var reader = await _storage.ReaderAsync(req.Context);
        var txn = new MvccTxn(reader, req.Version);
        using var scanner = new Scanner(startKey, txn);

        // The scanner visits keys with a visible version only; a lock on a key written for the
        // first time (or deleted) would go unseen, though its transaction may commit before
        // this read's version. So the lock column family is walked alongside, in key order.
        using var locks = txn.Reader.IterCF(ColumnFamily.Lock);
        locks.Seek(startKey);
        var next = scanner.Next();
        while (response.Pairs.Count < req.Limit)
        {
            var blocking = NextBlockingLock(locks, req.Version);
            if (blocking is { } locked && (next is not { } pair || ByteComparer.Compare(locked.Key, pair.Key) <= 0))
            {
                response.Pairs.Add(new KvPair { Key = Bytes(locked.Key), Error = new KeyError { Locked = locked.Lock.Info(locked.Key) } });
                if (next is { } same && ByteComparer.Compare(locked.Key, same.Key) == 0)
                {
                    next = scanner.Next();
                }

                locks.Next();
                continue;
            }

            if (next is not { } visible)
            {
                break;
            }

            response.Pairs.Add(new KvPair { Key = Bytes(visible.Key), Value = Bytes(visible.Value) });
            next = scanner.Next();
        }

        return response;
#else
        throw Todo.Slot("4C", "walk a Scanner from the start key up to the limit, reporting locked keys as errors; see the 4C handout, 'KvScan'");
#endif
    }

#if TINYKV_REF_4C
    /// <summary>The lock the iterator stands on or after that blocks a read at <paramref name="version"/> (a transaction started at or before it), or null.</summary>
    private static (byte[] Key, Mvcc.Lock Lock)? NextBlockingLock(IDbIterator locks, ulong version)
    {
        for (; locks.Valid; locks.Next())
        {
            var held = Mvcc.Lock.Parse(locks.Item.Value);
            if (held.Ts <= version)
            {
                return (locks.Item.Key, held);
            }
        }

        return null;
    }
#endif
}
