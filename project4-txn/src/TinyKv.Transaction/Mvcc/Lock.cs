using Google.Protobuf;
using TinyKv.Codec;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage.Engine;

namespace TinyKv.Transaction.Mvcc;

/// <summary>
/// A prewrite lock, stored in the <c>lock</c> column family under the bare user key (one lock
/// per key at most): the transaction that holds it (<see cref="Ts"/>, its start timestamp), its
/// primary key, how long it may live (<see cref="Ttl"/>, physical milliseconds from
/// <see cref="Ts"/>) and what the transaction writes.
/// </summary>
/// <remarks>Stored as the primary key, the kind byte, the start timestamp and the TTL (both big-endian).</remarks>
public sealed record Lock(byte[] Primary, ulong Ts, ulong Ttl, WriteKind Kind)
{
    private const int TailSize = 1 + (2 * BigEndian.UInt64Size);

    /// <summary>The stored form.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Primary.Length + TailSize];
        Primary.CopyTo(bytes, 0);
        bytes[Primary.Length] = (byte)Kind;
        BigEndian.EncodeUInt64(Ts).CopyTo(bytes, Primary.Length + 1);
        BigEndian.EncodeUInt64(Ttl).CopyTo(bytes, Primary.Length + 1 + BigEndian.UInt64Size);
        return bytes;
    }

    /// <summary>Reads a stored lock. The primary key may be empty (17 bytes in all), as in the original format.</summary>
    /// <exception cref="CorruptRecordException">The bytes are too short to be a lock, or its kind is not a <see cref="WriteKind"/>.</exception>
    public static Lock Parse(ReadOnlySpan<byte> value)
    {
        if (value.Length < TailSize)
        {
            throw new CorruptRecordException(ColumnFamily.Lock, null, $"a lock is a primary key and {TailSize} more bytes; found {value.Length} bytes");
        }

        var primaryLength = value.Length - TailSize;
        var kind = (WriteKind)value[primaryLength];
        if (!Enum.IsDefined(kind))
        {
            throw new CorruptRecordException(ColumnFamily.Lock, null, $"a lock's kind is 1 (put), 2 (delete) or 3 (rollback), not {value[primaryLength]}");
        }

        return new Lock(
            value[..primaryLength].ToArray(),
            BigEndian.DecodeUInt64(value.Slice(primaryLength + 1, BigEndian.UInt64Size)),
            BigEndian.DecodeUInt64(value[(primaryLength + 1 + BigEndian.UInt64Size)..]),
            kind);
    }

    /// <summary>What a <c>locked</c> key error tells a client about this lock on <paramref name="key"/>.</summary>
    public LockInfo Info(byte[] key) => new()
    {
        Key = ByteString.CopyFrom(key),
        PrimaryLock = ByteString.CopyFrom(Primary),
        LockVersion = Ts,
        LockTtl = Ttl,
    };

    /// <summary>
    /// True when the lock's time to live has run out at <paramref name="currentTs"/>: its start
    /// plus its TTL, both in physical milliseconds, lies before the current physical time.
    /// </summary>
    public bool ExpiredAt(ulong currentTs) => Timestamp.Physical(Ts) + Ttl < Timestamp.Physical(currentTs);

    public bool Equals(Lock? other) =>
        other is not null && Ts == other.Ts && Ttl == other.Ttl && Kind == other.Kind && Primary.AsSpan().SequenceEqual(other.Primary);

    public override int GetHashCode() => HashCode.Combine(Ts, Ttl, Kind, Primary.Length);
}
