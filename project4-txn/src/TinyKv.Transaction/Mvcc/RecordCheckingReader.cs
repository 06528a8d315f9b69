using TinyKv.Codec;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Transaction.Mvcc;

/// <summary>
/// A storage reader that refuses to hand out a record of the <c>lock</c> or <c>write</c> column
/// family that does not decode: it throws a <see cref="CorruptRecordException"/> naming the
/// family and the stored key instead. <see cref="MvccTxn.Reader"/> is one, so every command
/// (the reference's or a student's) may decode what it reads without checking.
/// </summary>
/// <remarks>
/// Transactions store only well-formed records; a corrupt one comes from a raw write to those
/// families, which bypasses the transaction layer. A record is checked each time it is read:
/// a lock must decode with <see cref="Lock.Parse"/>; a write record's key must be a user key
/// encoded with a timestamp (<see cref="KeyCodec"/>) and its value must decode with
/// <see cref="Write.Parse"/>. The <c>default</c> family holds user values, which are anything.
/// </remarks>
internal sealed class RecordCheckingReader(IStorageReader inner) : IStorageReader
{
    /// <inheritdoc />
    /// <exception cref="CorruptRecordException">The record under <paramref name="key"/> does not decode.</exception>
    public byte[]? GetCF(string cf, byte[] key)
    {
        var value = inner.GetCF(cf, key);
        if (value is not null)
        {
            Check(cf, key, value);
        }

        return value;
    }

    /// <inheritdoc />
    public IDbIterator IterCF(string cf) => new CheckingIterator(inner.IterCF(cf), cf);

    public void Dispose() => inner.Dispose();

    /// <summary>Throws when <paramref name="value"/>, stored under <paramref name="key"/> in <paramref name="cf"/>, is not a record of that family.</summary>
    /// <exception cref="CorruptRecordException">It is not.</exception>
    public static void Check(string cf, byte[] key, byte[] value)
    {
        try
        {
            if (cf == ColumnFamily.Lock)
            {
                Lock.Parse(value);
            }
            else if (cf == ColumnFamily.Write)
            {
                CheckWrite(key, value);
            }
        }
        catch (CorruptRecordException corrupt)
        {
            throw corrupt.At(key);
        }
    }

    private static void CheckWrite(byte[] key, byte[] value)
    {
        byte[] userKey;
        ulong commitTs;
        try
        {
            userKey = KeyCodec.DecodeUserKey(key);
            commitTs = KeyCodec.DecodeTimestamp(key);
        }
        catch (FormatException bad)
        {
            throw new CorruptRecordException(ColumnFamily.Write, key, $"the key is not a user key encoded with a commit timestamp ({bad.Message})", bad);
        }

        try
        {
            Write.Parse(value);
        }
        catch (CorruptRecordException corrupt)
        {
            throw corrupt.At(key, $"the record of user key {Quote.Hex(userKey)} at commit timestamp {commitTs}");
        }
    }

    /// <summary>Checks each item as it is read.</summary>
    private sealed class CheckingIterator(IDbIterator inner, string cf) : IDbIterator
    {
        public bool Valid => inner.Valid;

        public IDbItem Item
        {
            get
            {
                var item = inner.Item;
                Check(cf, item.Key, item.Value);
                return item;
            }
        }

        public void Next() => inner.Next();

        public void Seek(byte[] key) => inner.Seek(key);

        public void Dispose() => inner.Dispose();
    }
}
