using System.IO.Compression;
using TinyKv.Course.Export;

namespace TinyKv.Course.Autograder;

/// <summary>What went into an autograder bundle.</summary>
/// <param name="Path">The zip written.</param>
/// <param name="TreeFiles">How many files of the instructor's tree it holds.</param>
/// <param name="Commit">The tree's commit, as its <see cref="TreeCommitFile"/> records it.</param>
/// <param name="Dirty">Whether the tree had uncommitted changes, which the bundle carries.</param>
public sealed record AutograderBundleResult(string Path, int TreeFiles, string Commit, bool Dirty);

/// <summary>
/// Writes the zip Gradescope's autograder takes: at its top <c>setup.sh</c> (installs the .NET SDK,
/// git and unzip, restores the tree's packages), <c>run_autograder</c> (grades
/// <c>/autograder/submission</c> into <c>/autograder/results/results.json</c>), both executable and
/// taken from <see cref="ScriptFolder"/>, and <c>autograder.env</c> (the instructor's settings);
/// under <c>tree/</c> the instructor's repository as an export starts from it (tracked files and new
/// ones git does not ignore, never build output) with a <see cref="TreeCommitFile"/> naming its commit.
/// </summary>
public static class AutograderBundle
{
    /// <summary>Where the scripts live in the repository.</summary>
    public const string ScriptFolder = "course/autograder";

    /// <summary>The folder of the bundle that holds the instructor's tree.</summary>
    public const string TreeFolder = "tree";

    /// <summary>The scripts at the top of the bundle, in the order they are written.</summary>
    public static IReadOnlyList<string> Scripts { get; } = ["setup.sh", "run_autograder"];

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes the bundle of the repository at <paramref name="repositoryRoot"/> to <paramref name="zipPath"/>, replacing it.</summary>
    /// <exception cref="UsageException">The repository is not a git work tree, or its scripts are missing.</exception>
    /// <exception cref="ExportFailedException">git could not list the repository's files.</exception>
    /// <exception cref="IOException">A file could not be read or the zip written.</exception>
    public static AutograderBundleResult Write(string repositoryRoot, string zipPath, AutograderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        ArgumentNullException.ThrowIfNull(zipPath);
        ArgumentNullException.ThrowIfNull(settings);
        var root = Path.GetFullPath(repositoryRoot);
        var zip = Path.GetFullPath(zipPath);
        var (commit, dirty) = GitHead.Of(root)
            ?? throw new UsageException($"{root} is not a git work tree with a commit: the bundle records the commit its grades are stamped with");
        var scripts = Scripts.ToDictionary(s => s, s => ReadScript(root, s), StringComparer.Ordinal);
        var files = SourceFiles.List(root, out _)
            .Where(f => f != TreeCommitFile.FileName && Path.Combine(root, f) != zip)
            .ToList();

        var partial = zip + ".partial";
        using (var archive = ZipFile.Open(partial, ZipArchiveMode.Create))
        {
            foreach (var (name, text) in scripts)
            {
                Add(archive, name, text, Executable);
            }

            Add(archive, "autograder.env", settings.EnvironmentFile(), Plain);
            foreach (var file in files)
            {
                var entry = archive.CreateEntryFromFile(Path.Combine(root, file), $"{TreeFolder}/{file}", CompressionLevel.Optimal);
                entry.ExternalAttributes = UnixAttributes(ModeOf(Path.Combine(root, file)));
            }

            Add(archive, $"{TreeFolder}/{TreeCommitFile.FileName}", TreeCommitFile.Line(commit, dirty), Plain);
        }

        File.Move(partial, zip, overwrite: true);
        return new AutograderBundleResult(zip, files.Count + 1, commit, dirty);
    }

    /// <summary>A script's text with Unix line endings, whatever the checkout did to it: bash reads a CR as part of a word.</summary>
    private static string ReadScript(string root, string name)
    {
        var path = Path.Combine(root, ScriptFolder, name);
        if (!File.Exists(path))
        {
            throw new UsageException($"{ScriptFolder}/{name} is missing from {root}: the bundle needs it");
        }

        return File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static void Add(ZipArchive archive, string name, string text, UnixFileMode mode)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        entry.ExternalAttributes = UnixAttributes(mode);
        using var writer = new StreamWriter(entry.Open());
        writer.Write(text);
    }

    private static UnixFileMode ModeOf(string file) =>
        OperatingSystem.IsWindows() ? Plain : File.GetUnixFileMode(file);

    /// <summary>A zip entry's external attributes for a regular file with <paramref name="mode"/>: the Unix mode sits in the high 16 bits.</summary>
    private static int UnixAttributes(UnixFileMode mode) => (0x8000 | (int)mode) << 16;
}
