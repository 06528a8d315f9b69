using TinyKv.Course.Export;

namespace TinyKv.Grader.Submissions;

/// <summary>A file of a submission that differs from the student workbook but is not a submitted file: it was not graded.</summary>
/// <param name="Path">The file's repository-relative path.</param>
/// <param name="Added">True for a file the workbook does not have; false for a changed one.</param>
public sealed record IgnoredFile(string Path, bool Added)
{
    /// <summary>"added" or "changed".</summary>
    public string Kind => Added ? "added" : "changed";
}

/// <summary>
/// Finds what a student changed outside the files they submit, by comparing the submission with
/// the workbook exported from the instructor's tree, so the report can say those changes did not
/// count (an edited test, a tweaked test kit). Line endings do not count as a change. Files the
/// submission lacks are not listed: a zip often leaves out what was never touched.
/// </summary>
public static class IgnoredChanges
{
    /// <summary>The ignored files of the submission at <paramref name="submissionRoot"/>, sorted by path.</summary>
    /// <param name="submissionRoot">The submission's workbook folder.</param>
    /// <param name="workbookRoot">The student workbook exported from the instructor's tree.</param>
    /// <param name="submittable">Every file a student submits, for any milestone: those are graded, never ignored.</param>
    public static IReadOnlyList<IgnoredFile> Find(string submissionRoot, string workbookRoot, IReadOnlyCollection<string> submittable)
    {
        ArgumentNullException.ThrowIfNull(submissionRoot);
        ArgumentNullException.ThrowIfNull(workbookRoot);
        ArgumentNullException.ThrowIfNull(submittable);
        var submitted = submittable.ToHashSet(StringComparer.Ordinal);
        var ignored = new List<IgnoredFile>();
        foreach (var path in SourceFiles.List(submissionRoot, out _).Where(p => !submitted.Contains(p)))
        {
            var original = Path.Combine(workbookRoot, path);
            if (!File.Exists(original))
            {
                ignored.Add(new IgnoredFile(path, Added: true));
            }
            else if (!SameText(File.ReadAllBytes(Path.Combine(submissionRoot, path)), File.ReadAllBytes(original)))
            {
                ignored.Add(new IgnoredFile(path, Added: false));
            }
        }

        return ignored;
    }

    /// <summary>Whether two files hold the same bytes once every CRLF is read as LF.</summary>
    private static bool SameText(byte[] a, byte[] b) =>
        a.AsSpan().SequenceEqual(b) || WithoutCarriageReturns(a).AsSpan().SequenceEqual(WithoutCarriageReturns(b));

    private static byte[] WithoutCarriageReturns(byte[] bytes)
    {
        var kept = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!(bytes[i] == (byte)'\r' && i + 1 < bytes.Length && bytes[i + 1] == (byte)'\n'))
            {
                kept.Add(bytes[i]);
            }
        }

        return [.. kept];
    }
}
