namespace TinyKv.Course.Export;

/// <summary>
/// A list of repository-relative paths: <c>"course/tests/"</c> (trailing slash) names a folder
/// and everything in it, <c>"README.md"</c> names a file or, if it is a folder, everything in it.
/// Separators may be <c>/</c> or <c>\</c>; a leading <c>./</c> or <c>/</c> is ignored. Case matters.
/// </summary>
internal sealed class PathFilter
{
    private readonly List<string> _entries;

    public PathFilter(IEnumerable<string> entries)
    {
        _entries = [];
        foreach (var entry in entries)
        {
            var normalized = Normalize(entry);
            if (normalized.Trim('/').Length == 0)
            {
                throw new ArgumentException(
                    $"'{entry}' names the whole repository; list the files or folders to leave out.", nameof(entries));
            }

            _entries.Add(normalized);
        }
    }

    /// <summary>Whether <paramref name="relativePath"/> is one of the entries or lies under one.</summary>
    public bool Matches(string relativePath)
    {
        var path = Normalize(relativePath);
        foreach (var entry in _entries)
        {
            var folder = entry.EndsWith('/') ? entry : entry + "/";
            if (path == entry.TrimEnd('/') || path.StartsWith(folder, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forward slashes, no leading "./" or "/".</summary>
    public static string Normalize(string path)
    {
        var normalized = path.Trim().Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        return normalized.TrimStart('/');
    }
}
