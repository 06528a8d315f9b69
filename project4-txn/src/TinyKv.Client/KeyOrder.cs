namespace TinyKv.Client;

/// <summary>Orders keys bytewise, as the store does.</summary>
internal sealed class KeyOrder : IComparer<byte[]>
{
    public static KeyOrder Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
