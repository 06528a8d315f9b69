using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace TinyKv.Grader;

/// <summary>
/// What makes a grade reproducible and checkable later: which submitted files were graded (a
/// SHA-256 over their paths and contents), on which commit of the instructor's tree, on what
/// machine, when, and under which seeds.
/// </summary>
/// <param name="SubmissionSha256">The hash of the submitted files graded (<see cref="HashOf"/>), lower-case hex.</param>
/// <param name="TreeCommit">The grading tree's commit (<c>git rev-parse HEAD</c>), or why there is none.</param>
/// <param name="TreeDirty">Whether the instructor's tree had uncommitted changes, which the grading copy carried.</param>
/// <param name="Machine">The operating system, cores and .NET version that ran the tests.</param>
/// <param name="Time">When grading started.</param>
/// <param name="Seeds">The seeds simulated tests ran under; empty when each ran with its own default.</param>
public sealed record GradeStamp(string SubmissionSha256, string TreeCommit, bool TreeDirty, string Machine, DateTimeOffset Time, IReadOnlyList<int> Seeds)
{
    /// <summary>The commit as reports show it: with " (dirty)" after it when the tree had changes.</summary>
    public string Commit => TreeDirty ? $"{TreeCommit} (dirty)" : TreeCommit;

    /// <summary>The time as reports show it (ISO 8601, UTC).</summary>
    public string TimeText => Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The seeds as reports show them: "none", or the list.</summary>
    public string SeedsText => Seeds.Count == 0 ? "none" : string.Join(", ", Seeds.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The stamp's fields, named, in the order every report shows them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields =>
    [
        new("submissionSha256", SubmissionSha256),
        new("gradingTree", Commit),
        new("machine", Machine),
        new("gradedAt", TimeText),
        new("seeds", SeedsText),
    ];

    /// <summary>
    /// SHA-256 over <paramref name="files"/> in ordinal order of their paths: for each, its
    /// repository-relative path in UTF-8, a zero byte, its length in decimal, a zero byte, its
    /// bytes. Renaming, changing or adding a file changes the hash; the order given does not.
    /// </summary>
    public static string HashOf(IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{path}\0{content.Length.ToString(CultureInfo.InvariantCulture)}\0"));
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>This machine, e.g. "Debian GNU/Linux 12 (bookworm) X64, 2 cores, .NET 10.0.12".</summary>
    public static string ThisMachine() =>
        $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)} cores, .NET {Environment.Version}";
}
