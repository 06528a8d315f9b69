using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction.Mvcc;

namespace TinyKv.Transaction;

public sealed partial class TransactionApi
{
    /// <summary>
    /// KvGet: the value of the key at <c>version</c>. A lock of a transaction that started at or
    /// before <c>version</c> may hide a write the reader must see, so the answer is a
    /// <c>locked</c> key error instead of a value; a missing or deleted key sets <c>not_found</c>.
    /// </summary>
    private async Task<GetResponse> GetAsync(GetRequest req)
    {
#if TINYKV_REF_4B
        var response = new GetResponse();
        var key = req.Key.ToByteArray();
        using var reader = await _storage.ReaderAsync(req.Context);
        var txn = new MvccTxn(reader, req.Version);
        if (txn.GetLock(key) is { } held && held.Ts <= req.Version)
        {
            response.Error = new KeyError { Locked = held.Info(key) };
            return response;
        }

        if (txn.GetValue(key) is { } value)
        {
            response.Value = Bytes(value);
        }
        else
        {
            response.NotFound = true;
        }

        return response;
#else
        throw Todo.Slot("4B", "check the key's lock, then read its value at the request's version; see the 4B handout, 'KvGet'");
#endif
    }
}
