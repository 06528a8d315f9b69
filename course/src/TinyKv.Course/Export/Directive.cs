namespace TinyKv.Course.Export;

/// <summary>The preprocessor directives the slot stripper tells apart.</summary>
internal enum DirectiveKind
{
    If,
    Elif,
    Else,
    Endif,
    Define,
    Undef,

    /// <summary>Any other directive (#region, #pragma, #nullable, …): copied like ordinary code.</summary>
    Other,
}

/// <summary>
/// A preprocessor directive read from one line: its kind and its argument (the condition of
/// an <c>#if</c>, the symbol of a <c>#define</c>), without a trailing <c>//</c> comment.
/// </summary>
internal sealed record Directive(DirectiveKind Kind, string Argument)
{
    /// <summary>
    /// Reads the directive on <paramref name="line"/>, or returns null when the line is not a
    /// directive (in C# a directive is the first thing on its line, after optional whitespace).
    /// </summary>
    public static Directive? Parse(string line)
    {
        var text = line.AsSpan().TrimStart();
        if (text.IsEmpty || text[0] != '#')
        {
            return null;
        }

        text = text[1..].TrimStart();
        var keywordLength = 0;
        while (keywordLength < text.Length && char.IsAsciiLetter(text[keywordLength]))
        {
            keywordLength++;
        }

        var keyword = text[..keywordLength].ToString();
        var argument = text[keywordLength..].ToString();
        var comment = argument.IndexOf("//", StringComparison.Ordinal);
        if (comment >= 0)
        {
            argument = argument[..comment];
        }

        var kind = keyword switch
        {
            "if" => DirectiveKind.If,
            "elif" => DirectiveKind.Elif,
            "else" => DirectiveKind.Else,
            "endif" => DirectiveKind.Endif,
            "define" => DirectiveKind.Define,
            "undef" => DirectiveKind.Undef,
            _ => DirectiveKind.Other,
        };
        return new Directive(kind, argument.Trim());
    }
}
