using TinyKv.Codec;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Transaction.Mvcc;

/// <summary>
/// Reads the keys of a transaction's snapshot in order, from a start key on: for each user key,
/// the value visible at the transaction's start timestamp (keys deleted or not yet written at
/// that time are skipped). Locks are not its business: the scan command checks them.
/// </summary>
/// <remarks>The caller disposes the scanner; it is one forward pass.</remarks>
public sealed class Scanner : IDisposable
{
#if TINYKV_REF_4C
    private readonly MvccTxn _txn;
    private readonly IDbIterator _writes;
#endif

    /// <summary>A scanner over <paramref name="txn"/>'s snapshot, starting at <paramref name="startKey"/> (inclusive).</summary>
    public Scanner(byte[] startKey, MvccTxn txn)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        ArgumentNullException.ThrowIfNull(txn);
#if TINYKV_REF_4C
        _txn = txn;
        _writes = txn.Reader.IterCF(ColumnFamily.Write);
        _writes.Seek(KeyCodec.EncodeKey(startKey, Timestamp.Max));
#else
        throw Todo.Slot("4C", "open an iterator over the write column family at the start key; see the 4C handout, 'Scanning'");
#endif
    }

    /// <summary>
    /// The next user key and its value at the start timestamp, or null when the scan has passed
    /// the last key.
    /// </summary>
    /// <exception cref="CorruptRecordException">A stored record is corrupt.</exception>
    public (byte[] Key, byte[] Value)? Next()
    {
#if TINYKV_REF_4C
        while (_writes.Valid)
        {
            var userKey = KeyCodec.DecodeUserKey(_writes.Item.Key);

            // Skip this key's versions committed after the start timestamp.
            var found = false;
            byte[]? value = null;
            for (; _writes.Valid; _writes.Next())
            {
                var item = _writes.Item;
                if (!KeyCodec.DecodeUserKey(item.Key).AsSpan().SequenceEqual(userKey))
                {
                    break;
                }

                if (found || KeyCodec.DecodeTimestamp(item.Key) > _txn.StartTs)
                {
                    continue;
                }

                var write = Write.Parse(item.Value);
                if (write.Kind == WriteKind.Rollback)
                {
                    continue;
                }

                found = true;
                if (write.Kind == WriteKind.Put)
                {
                    value = _txn.Reader.GetCF(ColumnFamily.Default, KeyCodec.EncodeKey(userKey, write.StartTs));
                }
            }

            if (value is not null)
            {
                return (userKey, value);
            }
        }

        return null;
#else
        throw Todo.Slot("4C", "return the next user key whose newest write at the start timestamp is a put, with its value; skip the key's other versions; see the 4C handout, 'Scanning'");
#endif
    }

    public void Dispose()
    {
#if TINYKV_REF_4C
        _writes.Dispose();
#endif
    }
}
