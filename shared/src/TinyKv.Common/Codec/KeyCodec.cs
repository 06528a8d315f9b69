using System.Buffers.Binary;

namespace TinyKv.Codec;

/// <summary>
/// The keys of multi-version storage (Stage 4): a user key in memcomparable form followed by a
/// timestamp, big-endian and bit-inverted so that, for one user key, newer versions sort first.
/// The layout is part of the storage contract of the original course.
/// </summary>
public static class KeyCodec
{
    /// <summary>Encodes <paramref name="userKey"/> at timestamp <paramref name="ts"/>.</summary>
    public static byte[] EncodeKey(ReadOnlySpan<byte> userKey, ulong ts)
    {
        var encoded = MemComparable.EncodeBytes(userKey);
        var key = new byte[encoded.Length + sizeof(ulong)];
        encoded.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(encoded.Length), ~ts);
        return key;
    }

    /// <summary>The user key of an encoded key (with or without its timestamp).</summary>
    /// <exception cref="FormatException">The key is not memcomparable.</exception>
    public static byte[] DecodeUserKey(ReadOnlySpan<byte> encodedKey) => MemComparable.DecodeBytes(encodedKey, out _);

    /// <summary>The timestamp of an encoded key.</summary>
    /// <exception cref="FormatException">The key is not memcomparable or has no 8-byte timestamp after the user key.</exception>
    public static ulong DecodeTimestamp(ReadOnlySpan<byte> encodedKey)
    {
        MemComparable.DecodeBytes(encodedKey, out var consumed);
        var rest = encodedKey[consumed..];
        return rest.Length == sizeof(ulong)
            ? ~BinaryPrimitives.ReadUInt64BigEndian(rest)
            : throw new FormatException($"an encoded key ends in an 8-byte timestamp; found {rest.Length} bytes after the user key");
    }
}
