using System.IO.Compression;

namespace TinyKv.Grader.Submissions;

/// <summary>
/// Turns what a student handed in into a folder of files: a workbook folder as it is; a <c>.zip</c>
/// unpacked (the workbook at its root or in its one top folder); a git repository or bundle at
/// HEAD or at a given revision, written out with <c>git archive</c> (only committed files count).
/// </summary>
public static class SubmissionSource
{
    /// <summary>Opens the submission at <paramref name="path"/>.</summary>
    /// <param name="path">A workbook folder, a .zip of one, a git repository or a git bundle.</param>
    /// <param name="revision">The revision of a git submission to grade; null for HEAD. Refused for anything but git.</param>
    /// <param name="scratch">A folder of the grading run's own where unpacked files go.</param>
    /// <param name="submittedPaths">Every file a student submits (repository-relative); a workbook holds at least one.</param>
    /// <exception cref="UsageException">
    /// Nothing is at <paramref name="path"/>; it holds no workbook; it is not a zip, folder or bundle;
    /// the revision is unknown or was given for something that is not git.
    /// </exception>
    public static OpenedSubmission Open(string path, string? revision, string scratch, IReadOnlyCollection<string> submittedPaths)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(scratch);
        ArgumentNullException.ThrowIfNull(submittedPaths);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (Directory.Exists(full))
        {
            if (Git.IsRepository(full))
            {
                return FromRepository(full, revision, scratch, submittedPaths, $"git repository {full}");
            }

            RefuseRevision(revision, $"{full} is a folder, not a git repository");
            return new OpenedSubmission(RequireWorkbook(full, submittedPaths, full), $"folder {full}");
        }

        if (!File.Exists(full))
        {
            throw new UsageException($"no submission at {path}: no such file or folder");
        }

        if (full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            RefuseRevision(revision, $"{full} is a zip, not a git repository");
            return new OpenedSubmission(Unzip(full, Path.Combine(scratch, "submission"), submittedPaths), $"zip {full}");
        }

        return FromBundle(full, revision, scratch, submittedPaths);
    }

    /// <summary>
    /// The workbook inside an unpacked folder: the folder itself when it holds a submitted file,
    /// otherwise its one top folder (a zip of the workbook folder), ignoring macOS's <c>__MACOSX</c>.
    /// Null when neither holds one.
    /// </summary>
    public static string? FindWorkbook(string folder, IReadOnlyCollection<string> submittedPaths)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(submittedPaths);
        if (HoldsAny(folder, submittedPaths))
        {
            return folder;
        }

        var tops = Directory.GetDirectories(folder).Where(d => Path.GetFileName(d) != "__MACOSX").ToList();
        var files = Directory.GetFiles(folder);
        return tops.Count == 1 && files.Length == 0 && HoldsAny(tops[0], submittedPaths) ? tops[0] : null;
    }

    /// <summary>
    /// The most a submission's zip may unpack to. A workbook is a few megabytes of source and
    /// about 1.5 GB with every build output in it; past this the zip is refused before anything is
    /// written, so a zip bomb cannot fill the grading machine's disk.
    /// </summary>
    internal static ZipLimits Limits { get; } = new(MaxBytes: 4L * 1024 * 1024 * 1024, MaxEntries: 200_000);

    /// <summary>Refuses a zip whose entries would unpack past <paramref name="limits"/>.</summary>
    /// <exception cref="UsageException">The zip is too large, or not a readable zip.</exception>
    internal static void CheckSize(string zip, ZipLimits limits)
    {
        try
        {
            using var archive = ZipFile.OpenRead(zip);
            if (archive.Entries.Count > limits.MaxEntries)
            {
                throw new UsageException($"{zip} holds {archive.Entries.Count:N0} files, more than the {limits.MaxEntries:N0} a submission may hold; zip the workbook without bin, obj and node_modules");
            }

            var bytes = archive.Entries.Sum(e => e.Length);
            if (bytes > limits.MaxBytes)
            {
                throw new UsageException($"{zip} unpacks to {bytes:N0} bytes, more than the {limits.MaxBytes:N0} a submission may take; zip the workbook without bin, obj and node_modules");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException($"{zip} is not a readable zip: {ex.Message}");
        }
    }

    private static string Unzip(string zip, string destination, IReadOnlyCollection<string> submittedPaths)
    {
        CheckSize(zip, Limits);
        try
        {
            ZipFile.ExtractToDirectory(zip, destination);
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException($"{zip} is not a readable zip: {ex.Message}");
        }
        catch (IOException ex)
        {
            // Also an entry that would land outside the folder ("../x"): refused by ExtractToDirectory.
            throw new UsageException($"{zip} could not be unpacked: {ex.Message}");
        }

        return RequireWorkbook(destination, submittedPaths, zip);
    }

    private static OpenedSubmission FromBundle(string bundle, string? revision, string scratch, IReadOnlyCollection<string> submittedPaths)
    {
        if (Git.Run(scratch, "bundle", "list-heads", bundle).ExitCode != 0)
        {
            throw new UsageException($"{bundle} is not a workbook folder, a .zip or a git bundle");
        }

        var clone = Path.Combine(scratch, "bundle.git");
        var cloned = Git.Run(scratch, "clone", "--bare", "--quiet", bundle, clone);
        if (cloned.ExitCode != 0)
        {
            throw new UsageException($"{bundle} could not be cloned: {cloned.Output.Trim()}");
        }

        return FromRepository(clone, revision, scratch, submittedPaths, $"git bundle {bundle}");
    }

    private static OpenedSubmission FromRepository(string repository, string? revision, string scratch, IReadOnlyCollection<string> submittedPaths, string description)
    {
        var asked = revision ?? "HEAD";
        var commit = Git.Resolve(repository, asked)
            ?? throw new UsageException(revision is null
                ? $"{description} has no commit at HEAD; commit the work, or name one with --rev"
                : $"{description} has no revision '{revision}'");
        var archive = Path.Combine(scratch, "submission.zip");
        var written = Git.Run(repository, "archive", "--format=zip", "-o", archive, commit);
        if (written.ExitCode != 0)
        {
            throw new UsageException($"git archive of {commit} in {description} failed: {written.Output.Trim()}");
        }

        var at = $"{description} at {commit[..Math.Min(12, commit.Length)]}";
        return new OpenedSubmission(Unzip(archive, Path.Combine(scratch, "submission"), submittedPaths), at);
    }

    private static string RequireWorkbook(string folder, IReadOnlyCollection<string> submittedPaths, string shownAs) =>
        FindWorkbook(folder, submittedPaths)
        ?? throw new UsageException(
            $"no workbook in {shownAs}: none of the files a student submits (such as {submittedPaths.Order(StringComparer.Ordinal).First()}) is at its root or in its one top folder");

    private static bool HoldsAny(string folder, IReadOnlyCollection<string> submittedPaths) =>
        submittedPaths.Any(p => File.Exists(Path.Combine(folder, p)));

    private static void RefuseRevision(string? revision, string why)
    {
        if (revision is not null)
        {
            throw new UsageException($"--rev {revision} needs a git repository or bundle; {why}");
        }
    }
}

/// <summary>How large a submission's zip may unpack: its total bytes and its number of files.</summary>
internal sealed record ZipLimits(long MaxBytes, int MaxEntries);
