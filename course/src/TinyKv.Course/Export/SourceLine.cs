namespace TinyKv.Course.Export;

/// <summary>
/// One line of a text file: its 1-based number, its text without the line ending, and the raw
/// text with the ending, so a file can be rebuilt byte for byte from the lines it keeps.
/// </summary>
internal readonly record struct SourceLine(int Number, string Content, string Raw)
{
    /// <summary>
    /// Splits <paramref name="text"/> into lines. A line ends after <c>\n</c> (a preceding
    /// <c>\r</c> belongs to the ending); the last line may have no ending at all.
    /// </summary>
    public static IEnumerable<SourceLine> Split(string text)
    {
        var number = 0;
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            var raw = text[start..end];
            yield return new SourceLine(++number, raw.TrimEnd('\n').TrimEnd('\r'), raw);
            start = end;
        }
    }
}
