using System.Buffers.Binary;

namespace TinyKv.Codec;

/// <summary>
/// Unsigned 64-bit integers as 8 big-endian bytes, so that byte order is number order. The
/// descending form stores the bitwise complement instead, so that larger numbers sort first:
/// the original course writes timestamps this way, which puts the newest version of a key
/// before the older ones.
/// </summary>
public static class BigEndian
{
    /// <summary>How many bytes an encoded number takes.</summary>
    public const int UInt64Size = sizeof(ulong);

    /// <summary>Encodes <paramref name="value"/> most significant byte first.</summary>
    public static byte[] EncodeUInt64(ulong value)
    {
        var bytes = new byte[UInt64Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Decodes the number in the first 8 bytes of <paramref name="bytes"/>; any bytes after them are ignored.</summary>
    /// <exception cref="FormatException">Fewer than 8 bytes were given.</exception>
    public static ulong DecodeUInt64(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < UInt64Size)
        {
            throw new FormatException($"a big-endian uint64 needs {UInt64Size} bytes; only {bytes.Length} given");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    /// <summary>Encodes <paramref name="value"/> so that larger values sort first (the complement, big-endian).</summary>
    public static byte[] EncodeUInt64Descending(ulong value) => EncodeUInt64(~value);

    /// <summary>Decodes a number written by <see cref="EncodeUInt64Descending"/> from the first 8 bytes.</summary>
    /// <exception cref="FormatException">Fewer than 8 bytes were given.</exception>
    public static ulong DecodeUInt64Descending(ReadOnlySpan<byte> bytes) => ~DecodeUInt64(bytes);
}
