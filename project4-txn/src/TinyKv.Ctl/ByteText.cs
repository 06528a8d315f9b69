using System.Text;

namespace TinyKv.Ctl;

/// <summary>
/// How keys and values cross the command line: typed as text (UTF-8) or, with <c>--hex</c>,
/// as hexadecimal; printed as text when they are printable UTF-8, otherwise as 0x-prefixed hex.
/// </summary>
public static class ByteText
{
    /// <summary>Turns a typed key or value into bytes.</summary>
    /// <exception cref="FormatException">With <paramref name="hex"/>, the text is not hexadecimal.</exception>
    public static byte[] Parse(string text, bool hex)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!hex)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{Quote.Text(text)}' is not hexadecimal (an even number of 0-9a-f digits)");
        }
    }

    /// <summary>Shows bytes as text when printable UTF-8, otherwise as hex.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            if (!text.Any(char.IsControl))
            {
                return text;
            }
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: fall through to hex.
        }

        return "0x" + Convert.ToHexStringLower(bytes);
    }
}
