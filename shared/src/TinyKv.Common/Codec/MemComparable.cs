namespace TinyKv.Codec;

/// <summary>
/// The memcomparable byte encoding: an encoded key sorts, byte by byte, exactly as the raw key
/// does, and it can be followed by more bytes (a timestamp) without breaking that order.
/// </summary>
/// <remarks>
/// The data is cut into groups of 8 bytes; the last group is padded with zeros. After each group
/// comes a marker byte, 0xFF minus the number of padding bytes, so a full group ends in 0xFF and
/// the final group says how much of it is real. An empty input is one group of 8 zero bytes and
/// the marker 0xF7.
/// </remarks>
public static class MemComparable
{
    private const int GroupSize = 8;
    private const byte Marker = 0xFF;

    /// <summary>Encodes <paramref name="data"/>.</summary>
    public static byte[] EncodeBytes(ReadOnlySpan<byte> data)
    {
        var groups = (data.Length / GroupSize) + 1;
        var result = new byte[groups * (GroupSize + 1)];
        for (var group = 0; group < groups; group++)
        {
            var start = group * GroupSize;
            var real = Math.Min(GroupSize, data.Length - start);
            data.Slice(start, real).CopyTo(result.AsSpan(group * (GroupSize + 1)));
            result[(group * (GroupSize + 1)) + GroupSize] = (byte)(Marker - (GroupSize - real));
        }

        return result;
    }

    /// <summary>
    /// Decodes the memcomparable bytes at the start of <paramref name="encoded"/>;
    /// <paramref name="consumed"/> says how many bytes they took (what follows is left alone).
    /// </summary>
    /// <exception cref="FormatException">The input is truncated, has a bad marker or non-zero padding.</exception>
    public static byte[] DecodeBytes(ReadOnlySpan<byte> encoded, out int consumed)
    {
        var data = new List<byte>(encoded.Length);
        consumed = 0;
        while (true)
        {
            var rest = encoded[consumed..];
            if (rest.Length < GroupSize + 1)
            {
                throw new FormatException($"memcomparable bytes are truncated: a group needs {GroupSize + 1} bytes, {rest.Length} left");
            }

            var group = rest[..GroupSize];
            var padding = Marker - rest[GroupSize];
            if (padding > GroupSize)
            {
                throw new FormatException($"invalid memcomparable marker 0x{rest[GroupSize]:X2} at byte {consumed + GroupSize}");
            }

            var real = GroupSize - padding;
            foreach (var b in group[..real])
            {
                data.Add(b);
            }

            consumed += GroupSize + 1;
            if (padding == 0)
            {
                continue;
            }

            if (group[real..].ContainsAnyExcept((byte)0))
            {
                throw new FormatException($"invalid memcomparable padding in the group ending at byte {consumed - 1}: padding must be zero");
            }

            return [.. data];
        }
    }
}
