using TinyKv.Codec;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Transaction.Mvcc;

/// <summary>
/// One command's view of multi-version storage at a start timestamp: it reads through a storage
/// reader and collects its writes, which the command then hands to the storage as one batch.
/// Nothing is written until then, so a command that finds an error simply drops the batch.
/// </summary>
/// <remarks>
/// Three column families hold a key's history:
/// <list type="bullet">
/// <item><c>default</c>: the values, under the user key encoded with the writing transaction's start timestamp;</item>
/// <item><c>lock</c>: at most one prewrite lock per key, under the bare user key;</item>
/// <item><c>write</c>: commit and rollback records, under the user key encoded with the commit timestamp.</item>
/// </list>
/// Encoded keys sort by user key, then newest timestamp first (<see cref="KeyCodec"/>).
/// </remarks>
public sealed class MvccTxn
{
    private readonly List<Modify> _writes = [];

    /// <summary>A transaction reading through <paramref name="reader"/> at <paramref name="startTs"/>.</summary>
    public MvccTxn(IStorageReader reader, ulong startTs)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Reader = new RecordCheckingReader(reader);
        StartTs = startTs;
    }

    /// <summary>
    /// The reader every lookup goes through: the constructor's reader, except that a
    /// record of the lock or write column family that does not decode throws a
    /// <see cref="CorruptRecordException"/> naming its key and family (see <see cref="RecordCheckingReader"/>).
    /// </summary>
    public IStorageReader Reader { get; }

    /// <summary>The transaction's start timestamp: what it reads as of, and the version it writes.</summary>
    public ulong StartTs { get; }

    /// <summary>The writes collected so far, in order.</summary>
    public IReadOnlyList<Modify> Writes => _writes;

    /// <summary>Records that the write <paramref name="write"/> of <paramref name="key"/> commits (or is rolled back) at <paramref name="ts"/>.</summary>
    public void PutWrite(byte[] key, ulong ts, Write write)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(write);
#if TINYKV_REF_4A
        _writes.Add(Modify.Put(ColumnFamily.Write, KeyCodec.EncodeKey(key, ts), write.ToBytes()));
#else
        throw Todo.Slot("4A", "put the write record in the write column family under the key encoded with ts; see the 4A handout, 'The column families'");
#endif
    }

    /// <summary>The lock on <paramref name="key"/>, or null when the key is not locked.</summary>
    /// <exception cref="CorruptRecordException">The stored lock is corrupt.</exception>
    public Lock? GetLock(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
#if TINYKV_REF_4A
        var value = Reader.GetCF(ColumnFamily.Lock, key);
        return value is null ? null : Lock.Parse(value);
#else
        throw Todo.Slot("4A", "read the lock column family under the bare key; see the 4A handout, 'The column families'");
#endif
    }

    /// <summary>Locks <paramref name="key"/> with <paramref name="held"/>.</summary>
    public void PutLock(byte[] key, Lock held)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(held);
#if TINYKV_REF_4A
        _writes.Add(Modify.Put(ColumnFamily.Lock, key, held.ToBytes()));
#else
        throw Todo.Slot("4A", "put the lock in the lock column family under the bare key; see the 4A handout, 'The column families'");
#endif
    }

    /// <summary>Removes the lock on <paramref name="key"/>.</summary>
    public void DeleteLock(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
#if TINYKV_REF_4A
        _writes.Add(Modify.Delete(ColumnFamily.Lock, key));
#else
        throw Todo.Slot("4A", "delete the bare key from the lock column family; see the 4A handout, 'The column families'");
#endif
    }

    /// <summary>
    /// The value of <paramref name="key"/> as of the start timestamp: the value of the newest
    /// write committed at or before it, or null when that write is a delete or there is none.
    /// Rollback records are skipped: they hide nothing.
    /// </summary>
    public byte[]? GetValue(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
#if TINYKV_REF_4A
        using var writes = Reader.IterCF(ColumnFamily.Write);
        for (writes.Seek(KeyCodec.EncodeKey(key, StartTs)); writes.Valid; writes.Next())
        {
            var item = writes.Item;
            if (!KeyCodec.DecodeUserKey(item.Key).AsSpan().SequenceEqual(key))
            {
                return null;
            }

            var write = Write.Parse(item.Value);
            switch (write.Kind)
            {
                case WriteKind.Put:
                    return Reader.GetCF(ColumnFamily.Default, KeyCodec.EncodeKey(key, write.StartTs));
                case WriteKind.Delete:
                    return null;
                default:
                    continue;
            }
        }

        return null;
#else
        throw Todo.Slot("4A", "seek the write column family to the key at the start timestamp and follow the newest put or delete; see the 4A handout, 'Reading at a timestamp'");
#endif
    }

    /// <summary>Writes <paramref name="value"/> for <paramref name="key"/> at the start timestamp.</summary>
    public void PutValue(byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
#if TINYKV_REF_4A
        _writes.Add(Modify.Put(ColumnFamily.Default, KeyCodec.EncodeKey(key, StartTs), value));
#else
        throw Todo.Slot("4A", "put the value in the default column family under the key encoded with the start timestamp; see the 4A handout, 'The column families'");
#endif
    }

    /// <summary>Removes the value this transaction wrote for <paramref name="key"/>.</summary>
    public void DeleteValue(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
#if TINYKV_REF_4A
        _writes.Add(Modify.Delete(ColumnFamily.Default, KeyCodec.EncodeKey(key, StartTs)));
#else
        throw Todo.Slot("4A", "delete the key encoded with the start timestamp from the default column family; see the 4A handout, 'The column families'");
#endif
    }

    /// <summary>
    /// The write record this transaction left on <paramref name="key"/> (a commit or a rollback
    /// whose start timestamp is <see cref="StartTs"/>) and its commit timestamp, or
    /// (null, 0) when there is none.
    /// </summary>
    public (Write? Write, ulong CommitTs) CurrentWrite(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
#if TINYKV_REF_4A
        // A transaction commits after it starts, so its record is among those at or after StartTs:
        // from the newest version down to StartTs.
        using var writes = Reader.IterCF(ColumnFamily.Write);
        for (writes.Seek(KeyCodec.EncodeKey(key, Timestamp.Max)); writes.Valid; writes.Next())
        {
            var item = writes.Item;
            if (!KeyCodec.DecodeUserKey(item.Key).AsSpan().SequenceEqual(key))
            {
                break;
            }

            var commitTs = KeyCodec.DecodeTimestamp(item.Key);
            if (commitTs < StartTs)
            {
                break;
            }

            var write = Write.Parse(item.Value);
            if (write.StartTs == StartTs)
            {
                return (write, commitTs);
            }
        }

        return (null, 0);
#else
        throw Todo.Slot("4A", "walk the key's write records from the newest down to the start timestamp, looking for this transaction's; see the 4A handout, 'Finding writes'");
#endif
    }

    /// <summary>The newest write record of <paramref name="key"/>, of any transaction, and its commit timestamp, or (null, 0).</summary>
    public (Write? Write, ulong CommitTs) MostRecentWrite(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
#if TINYKV_REF_4A
        using var writes = Reader.IterCF(ColumnFamily.Write);
        writes.Seek(KeyCodec.EncodeKey(key, Timestamp.Max));
        if (!writes.Valid || !KeyCodec.DecodeUserKey(writes.Item.Key).AsSpan().SequenceEqual(key))
        {
            return (null, 0);
        }

        return (Write.Parse(writes.Item.Value), KeyCodec.DecodeTimestamp(writes.Item.Key));
#else
        throw Todo.Slot("4A", "seek the write column family to the key at the largest timestamp: the first record is the newest; see the 4A handout, 'Finding writes'");
#endif
    }

    /// <summary>Every lock this transaction holds (locks whose timestamp is <see cref="StartTs"/>), in key order.</summary>
    /// <exception cref="CorruptRecordException">A stored lock is corrupt.</exception>
    public List<(byte[] Key, Lock Lock)> AllLocks()
    {
        var locks = new List<(byte[] Key, Lock Lock)>();
        using var iterator = Reader.IterCF(ColumnFamily.Lock);
        for (; iterator.Valid; iterator.Next())
        {
            var lockValue = Lock.Parse(iterator.Item.Value);
            if (lockValue.Ts == StartTs)
            {
                locks.Add((iterator.Item.Key, lockValue));
            }
        }

        return locks;
    }
}
