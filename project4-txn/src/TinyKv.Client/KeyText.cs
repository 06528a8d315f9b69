using System.Text;

namespace TinyKv.Client;

/// <summary>Keys as people read them in messages: printable UTF-8 as text, anything else as hex.</summary>
internal static class KeyText
{
    public static string Show(ReadOnlySpan<byte> key)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(key);
            if (text.Length > 0 && !text.Any(char.IsControl))
            {
                return "'" + text + "'";
            }
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: show hex.
        }

        return "0x" + Convert.ToHexStringLower(key);
    }
}

/// <summary>Orders keys bytewise, as the store does.</summary>
internal sealed class KeyOrder : IComparer<byte[]>
{
    public static KeyOrder Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
