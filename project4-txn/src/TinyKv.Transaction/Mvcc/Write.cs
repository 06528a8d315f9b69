using TinyKv.Codec;
using TinyKv.Storage.Engine;

namespace TinyKv.Transaction.Mvcc;

/// <summary>
/// A commit record, stored in the <c>write</c> column family under the user key and the
/// <em>commit</em> timestamp: it says which transaction (by start timestamp) wrote the value
/// visible from that timestamp on, and whether it was a put, a delete or a rollback.
/// </summary>
/// <remarks>Stored as 9 bytes: the kind, then the start timestamp big-endian.</remarks>
public sealed record Write(ulong StartTs, WriteKind Kind)
{
    /// <summary>The stored length of a write record.</summary>
    public const int Size = 1 + BigEndian.UInt64Size;

    /// <summary>The stored form.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        bytes[0] = (byte)Kind;
        BigEndian.EncodeUInt64(StartTs).CopyTo(bytes, 1);
        return bytes;
    }

    /// <summary>Reads a stored write record.</summary>
    /// <exception cref="CorruptRecordException">The bytes are not a write record.</exception>
    public static Write Parse(ReadOnlySpan<byte> value)
    {
        if (value.Length != Size)
        {
            throw new CorruptRecordException(ColumnFamily.Write, null, $"a write record is {Size} bytes long, not {value.Length}");
        }

        var kind = (WriteKind)value[0];
        if (!Enum.IsDefined(kind))
        {
            throw new CorruptRecordException(ColumnFamily.Write, null, $"a write record's kind is 1 (put), 2 (delete) or 3 (rollback), not {value[0]}");
        }

        return new Write(BigEndian.DecodeUInt64(value[1..]), kind);
    }
}
