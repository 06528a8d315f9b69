namespace TinyKv.Course.Export;

/// <summary>
/// One reason an export cannot go ahead, pointing at the file (and line) to fix.
/// </summary>
/// <param name="File">The file, as the caller named it (repository-relative during an export).</param>
/// <param name="Line">The 1-based line, or null when the problem concerns the whole file or the options.</param>
/// <param name="Message">What is wrong and what to do about it, in words a course author understands.</param>
public sealed record ExportError(string File, int? Line, string Message)
{
    /// <summary>The compiler-style form <c>file:line: message</c> (or <c>file: message</c>).</summary>
    public override string ToString() =>
        Line is { } line ? $"{File}:{line}: {Message}" : $"{File}: {Message}";
}
