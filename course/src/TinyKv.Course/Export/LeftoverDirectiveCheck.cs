using System.Text;
using System.Text.RegularExpressions;

namespace TinyKv.Course.Export;

/// <summary>
/// The export's last line of defence: after writing, no text file of the student's tree may
/// still test a milestone symbol in an <c>#if</c> or <c>#elif</c> line. Whatever the stripper
/// missed (a file type it does not read, a bug) shows up here instead of in a student's hands.
/// </summary>
public static partial class LeftoverDirectiveCheck
{
    /// <summary>
    /// Reports every line of <paramref name="text"/> that is an <c>#if</c> or <c>#elif</c>
    /// mentioning a milestone symbol.
    /// </summary>
    /// <param name="filePath">The file's path, used only in error messages.</param>
    /// <param name="text">The file's contents.</param>
    public static IReadOnlyList<ExportError> Scan(string filePath, string text)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(text);

        return SourceLine.Split(text)
            .Where(line => LeftoverDirective().IsMatch(line.Content))
            .Select(line => new ExportError(filePath, line.Number,
                $"'{line.Content.Trim()}' is still in the exported file; the student's tree must not test milestone symbols"))
            .ToList();
    }

    /// <summary>
    /// Scans every text file under <paramref name="root"/> except those <paramref name="isExempt"/>
    /// accepts (it receives root-relative paths with <c>/</c>). A file with a NUL byte in its
    /// first 8 KiB counts as binary and is skipped.
    /// </summary>
    internal static IReadOnlyList<ExportError> ScanTree(string root, Func<string, bool> isExempt)
    {
        var errors = new List<ExportError>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (isExempt(relative))
            {
                continue;
            }

            var bytes = File.ReadAllBytes(file);
            if (!LooksBinary(bytes))
            {
                errors.AddRange(Scan(relative, Encoding.UTF8.GetString(bytes)));
            }
        }

        return errors;
    }

    /// <summary>Whether <paramref name="bytes"/> look like a binary file (a NUL in the first 8 KiB).</summary>
    internal static bool LooksBinary(ReadOnlySpan<byte> bytes) => bytes[..Math.Min(bytes.Length, 8192)].Contains((byte)0);

    [GeneratedRegex(@"^\s*#\s*(if|elif)\b.*\bTINYKV_REF_")]
    private static partial Regex LeftoverDirective();
}
