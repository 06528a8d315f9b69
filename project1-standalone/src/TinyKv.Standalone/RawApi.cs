using Google.Protobuf;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Standalone;

/// <summary>
/// The raw key-value API: get, put, delete and scan of single keys in one column family, with
/// no transactions. The gRPC server hands each raw request to these handlers.
/// </summary>
/// <remarks>
/// A bad request (an empty key, an unknown column family) is answered in the response's
/// <c>error</c> field and changes nothing; a handler never lets such a request throw.
/// An empty column family name means <c>default</c>, as clients of the protocol expect.
/// Each handler awaits the storage: while a write waits for the disk (or for Raft, in Stage 2)
/// no thread waits with it.
/// </remarks>
public sealed class RawApi
{
    private readonly IStorage _storage;

    /// <summary>Creates the handlers over <paramref name="storage"/>, which the caller starts and stops.</summary>
    public RawApi(IStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
    }

    /// <summary>
    /// Reads one key. A missing key is not an error: the response says <c>not_found</c>.
    /// </summary>
    public async Task<RawGetResponse> RawGetAsync(RawGetRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
#if TINYKV_REF_1
        var response = new RawGetResponse();
        if (RejectBadRequest(req.Cf, req.Key) is { } error)
        {
            response.Error = error;
            return response;
        }

        using var reader = await _storage.ReaderAsync(req.Context);
        var value = reader.GetCF(ColumnFamilyOf(req.Cf), req.Key.ToByteArray());
        if (value is null)
        {
            response.NotFound = true;
        }
        else
        {
            response.Value = ByteString.CopyFrom(value);
        }

        return response;
#else
        throw Todo.Slot("1", "read the key through a storage reader; a missing key sets not_found; see the Stage 1 handout, 'Raw API'");
#endif
    }

    /// <summary>Writes one key, replacing any value it had.</summary>
    public async Task<RawPutResponse> RawPutAsync(RawPutRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
#if TINYKV_REF_1
        var response = new RawPutResponse();
        if (RejectBadRequest(req.Cf, req.Key) is { } error)
        {
            response.Error = error;
            return response;
        }

        await _storage.WriteAsync(req.Context, [Modify.Put(ColumnFamilyOf(req.Cf), req.Key.ToByteArray(), req.Value.ToByteArray())]);
        return response;
#else
        throw Todo.Slot("1", "write the key with one Modify.Put; see the Stage 1 handout, 'Raw API'");
#endif
    }

    /// <summary>Deletes one key. Deleting a missing key succeeds.</summary>
    public async Task<RawDeleteResponse> RawDeleteAsync(RawDeleteRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
#if TINYKV_REF_1
        var response = new RawDeleteResponse();
        if (RejectBadRequest(req.Cf, req.Key) is { } error)
        {
            response.Error = error;
            return response;
        }

        await _storage.WriteAsync(req.Context, [Modify.Delete(ColumnFamilyOf(req.Cf), req.Key.ToByteArray())]);
        return response;
#else
        throw Todo.Slot("1", "delete the key with one Modify.Delete; see the Stage 1 handout, 'Raw API'");
#endif
    }

    /// <summary>
    /// Returns up to <c>limit</c> pairs of one column family in key order, starting at the first
    /// key greater than or equal to <c>start_key</c>. A limit of 0 returns nothing.
    /// </summary>
    public async Task<RawScanResponse> RawScanAsync(RawScanRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
#if TINYKV_REF_1
        var response = new RawScanResponse();
        if (!ColumnFamily.IsKnown(ColumnFamilyOf(req.Cf)))
        {
            response.Error = new UnknownColumnFamilyException(req.Cf).Message;
            return response;
        }

        using var reader = await _storage.ReaderAsync(req.Context);
        using var iterator = reader.IterCF(ColumnFamilyOf(req.Cf));
        for (iterator.Seek(req.StartKey.ToByteArray()); iterator.Valid && response.Kvs.Count < req.Limit; iterator.Next())
        {
            var item = iterator.Item;
            response.Kvs.Add(new KvPair { Key = ByteString.CopyFrom(item.Key), Value = ByteString.CopyFrom(item.Value) });
        }

        return response;
#else
        throw Todo.Slot("1", "seek an iterator to start_key and collect up to limit pairs; see the Stage 1 handout, 'Raw API'");
#endif
    }

#if TINYKV_REF_1
    private static string ColumnFamilyOf(string cf) => cf.Length == 0 ? ColumnFamily.Default : cf;

    private static string? RejectBadRequest(string cf, ByteString key)
    {
        if (!ColumnFamily.IsKnown(ColumnFamilyOf(cf)))
        {
            return new UnknownColumnFamilyException(cf).Message;
        }

        return key.IsEmpty ? "key must not be empty" : null;
    }
#endif
}
