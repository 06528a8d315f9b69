using System.Globalization;
using System.Text;

namespace TinyKv;

/// <summary>
/// Keys, values and other client-supplied text as error messages quote them: in full when short,
/// otherwise their first bytes and their length, e.g. <c>6B6579… (70000 bytes)</c>.
/// </summary>
/// <remarks>
/// Every message that quotes something a client sent goes through here. A key may be megabytes
/// long; quoted in full as hex it doubles, and a gRPC status carries its message in an HTTP/2
/// header, where a message of ~140 KB never reaches the client: the call hangs until its
/// deadline, and so do later calls on the same connection. A bounded quote keeps every message
/// a few hundred characters at most, whatever the request.
/// </remarks>
public static class Quote
{
    /// <summary>How many bytes (or characters) are quoted before the rest is left out.</summary>
    public const int MaxShown = 64;

    /// <summary>
    /// Uppercase hex, as the server's messages show keys: the bytes in full when there are at
    /// most <see cref="MaxShown"/>, else the first <see cref="MaxShown"/> and the length.
    /// </summary>
    public static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= MaxShown ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes[..MaxShown]) + Omitted(bytes.Length, "bytes");

    /// <summary>
    /// As a person reads it: printable UTF-8 as <c>'text'</c>, anything else as <c>0x</c> and
    /// lowercase hex; bounded like <see cref="Hex"/>.
    /// </summary>
    public static string Readable(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes.Length <= MaxShown ? bytes : bytes[..MaxShown];
        var tail = bytes.Length <= MaxShown ? string.Empty : Omitted(bytes.Length, "bytes");
        if (Printable(shown) is { } text)
        {
            return "'" + text + "'" + tail;
        }

        return "0x" + Convert.ToHexStringLower(shown) + tail;
    }

    /// <summary>Text a client chose (a column family name, say): in full when short, else its start and its length.</summary>
    public static string Text(string? text) =>
        text is null || text.Length <= MaxShown ? text ?? string.Empty : text[..MaxShown] + Omitted(text.Length, "characters");

    /// <summary>
    /// <paramref name="message"/> cut to at most <paramref name="maxLength"/> characters, saying
    /// how long it was; a last guard for a message built from many quotes.
    /// </summary>
    public static string Capped(string message, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 64);
        if (message.Length <= maxLength)
        {
            return message;
        }

        var tail = Omitted(message.Length, "characters");
        return message[..(maxLength - tail.Length)] + tail;
    }

    private static string Omitted(int length, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"… ({length} {unit})");

    /// <summary>The bytes as text when they are non-empty UTF-8 without control characters; else null.</summary>
    private static string? Printable(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Length > 0 && !text.Any(char.IsControl) ? text : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
