namespace TinyKv.Codec;

/// <summary>
/// The keys of multi-version storage (Stage 4): the user key in memcomparable form, then the
/// timestamp in the descending big-endian form, so that the versions of one user key are
/// adjacent and the newest comes first. The layout is byte for byte the original course's:
/// it is part of the storage contract.
/// </summary>
/// <example>
/// The user key <c>[42]</c> at timestamp 1 is
/// <c>[42, 0, 0, 0, 0, 0, 0, 0, 0xF8]</c> (one group, seven padding bytes) followed by
/// <c>[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]</c> (the complement of 1).
/// </example>
public static class KeyCodec
{
    /// <summary>Encodes <paramref name="userKey"/> at timestamp <paramref name="ts"/>.</summary>
    public static byte[] EncodeKey(ReadOnlySpan<byte> userKey, ulong ts) =>
        [.. MemComparable.EncodeBytes(userKey), .. BigEndian.EncodeUInt64Descending(ts)];

    /// <summary>The user key of an encoded key; whatever follows the memcomparable part is ignored.</summary>
    /// <exception cref="FormatException">The key does not start with memcomparable bytes.</exception>
    public static byte[] DecodeUserKey(ReadOnlySpan<byte> encodedKey) => MemComparable.DecodeBytes(encodedKey, out _);

    /// <summary>The timestamp of an encoded key.</summary>
    /// <exception cref="FormatException">
    /// The key does not start with memcomparable bytes, or they are not followed by exactly 8 bytes of timestamp.
    /// </exception>
    public static ulong DecodeTimestamp(ReadOnlySpan<byte> encodedKey)
    {
        MemComparable.DecodeBytes(encodedKey, out var consumed);
        var rest = encodedKey[consumed..];
        if (rest.Length != BigEndian.UInt64Size)
        {
            throw new FormatException(
                $"an encoded key ends in an {BigEndian.UInt64Size}-byte timestamp; found {rest.Length} bytes after the user key");
        }

        return BigEndian.DecodeUInt64Descending(rest);
    }
}
