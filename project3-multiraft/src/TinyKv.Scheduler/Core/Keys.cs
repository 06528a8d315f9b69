using Google.Protobuf;

namespace TinyKv.Scheduler.Core;

/// <summary>
/// Byte-wise key order, the order regions are laid out in. An empty end key means "up to the
/// end of the key space"; an empty start key is the smallest key.
/// </summary>
public static class Keys
{
    /// <summary>Compares two keys byte by byte (a prefix sorts first).</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    /// <summary>Compares two keys byte by byte (a prefix sorts first).</summary>
    public static int Compare(ByteString a, ByteString b) => a.Span.SequenceCompareTo(b.Span);

    /// <summary>True if <paramref name="key"/> lies in [<paramref name="start"/>, <paramref name="end"/>), an empty end being unbounded.</summary>
    public static bool InRange(ReadOnlySpan<byte> key, ReadOnlySpan<byte> start, ReadOnlySpan<byte> end) =>
        Compare(key, start) >= 0 && (end.IsEmpty || Compare(key, end) < 0);

    /// <summary>Renders a key for logs and messages: hex, or "" for the empty key.</summary>
    public static string ToHex(ByteString key) => Convert.ToHexString(key.Span);
}
