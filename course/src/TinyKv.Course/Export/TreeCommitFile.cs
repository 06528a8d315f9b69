namespace TinyKv.Course.Export;

/// <summary>
/// The commit a copy of the instructor's tree was made from, kept in a file at its root when the
/// copy is not a git work tree (the tree inside a Gradescope autograder bundle). The grader's stamp
/// reads it there, so a grade made from the copy names the same commit as one made in the repository.
/// The file holds one line: the full commit id, then <c> dirty</c> when the tree had uncommitted changes.
/// </summary>
public static class TreeCommitFile
{
    /// <summary>The file's name at the root of the copy.</summary>
    public const string FileName = ".tinykv-tree-commit";

    /// <summary>Writes the file at <paramref name="root"/>.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string root, string commit, bool dirty)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(commit);
        File.WriteAllText(Path.Combine(root, FileName), Line(commit, dirty));
    }

    /// <summary>The file's line for <paramref name="commit"/>, ending with a newline.</summary>
    public static string Line(string commit, bool dirty) => (dirty ? $"{commit.Trim()} dirty" : commit.Trim()) + "\n";

    /// <summary>The commit and dirty flag the file at <paramref name="root"/> records; null when there is no such file or it is empty.</summary>
    public static (string Commit, bool Dirty)? Read(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var file = Path.Combine(root, FileName);
        if (!File.Exists(file))
        {
            return null;
        }

        var words = File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? null : (words[0], words.Skip(1).Contains("dirty", StringComparer.Ordinal));
    }
}
