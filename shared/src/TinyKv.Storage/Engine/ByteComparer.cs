namespace TinyKv.Storage.Engine;

/// <summary>
/// Orders byte strings as every TinyKV engine does: unsigned bytes, lexicographically, a
/// proper prefix before the longer key (so <c>[]</c> &lt; <c>[0x00]</c> &lt; <c>[0x7F]</c> &lt; <c>[0x80]</c> &lt; <c>[0xFF]</c>).
/// </summary>
public sealed class ByteComparer : IComparer<byte[]>
{
    /// <summary>The one instance; the comparer holds no state.</summary>
    public static ByteComparer Instance { get; } = new();

    private ByteComparer()
    {
    }

    /// <summary>Compares two keys; negative when <paramref name="x"/> sorts first.</summary>
    public static int Compare(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => x.SequenceCompareTo(y);

    int IComparer<byte[]>.Compare(byte[]? x, byte[]? y) => Compare(x ?? [], y ?? []);
}
