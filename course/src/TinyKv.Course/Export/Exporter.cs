namespace TinyKv.Course.Export;

/// <summary>
/// Produces the student's workbook from the reference repository: copies the repository's
/// files, drops every reference branch and keeps the stubs (<see cref="SlotStripper"/>), removes
/// the Edition switch (<see cref="EditionSwitch"/>), leaves out excluded paths and their projects
/// (<see cref="SolutionFilter"/>), and finally checks that no milestone symbol is still tested
/// anywhere (<see cref="LeftoverDirectiveCheck"/>).
/// </summary>
/// <remarks>
/// The export is all or nothing: the tree is written into a hidden sibling of the destination
/// and moved into place only when every file is right. Building the result is the caller's step.
/// </remarks>
public static class Exporter
{
    /// <summary>Exports the student's tree as <paramref name="options"/> describe.</summary>
    /// <returns>What was written, stripped and left out.</returns>
    /// <exception cref="ExportFailedException">
    /// The destination is not usable, or files of the repository are not fit to export; the
    /// exception lists every problem and nothing is left at the destination.
    /// </exception>
    /// <exception cref="ArgumentException">An <see cref="ExportOptions.Exclude"/> or <see cref="ExportOptions.ScanExempt"/> entry names the whole repository.</exception>
    /// <exception cref="IOException">A file could not be read or written; the partial tree is removed first.</exception>
    public static ExportResult Export(ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.SourceRoot));
        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Destination));
        CheckPlaces(source, destination, options.Overwrite);

        var exclude = new PathFilter(options.Exclude.Concat(DestinationInside(source, destination)));
        var scanExempt = new PathFilter(options.ScanExempt);
        var files = SourceFiles.List(source, out var listedByGit);

        var staging = Path.Combine(
            Path.GetDirectoryName(destination)!,
            $".{Path.GetFileName(destination)}.partial-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            var writer = new StudentTreeWriter(source, staging, exclude);
            foreach (var file in files)
            {
                writer.Add(file);
            }

            writer.Finish();
            ThrowIfAny(writer.Errors);
            ThrowIfAny(LeftoverDirectiveCheck.ScanTree(staging, scanExempt.Matches));

            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true); // empty, or Overwrite was asked for
            }

            Directory.Move(staging, destination);
            return new ExportResult(
                destination,
                listedByGit,
                writer.FilesCopied,
                writer.FilesStripped,
                writer.SlotsRemoved,
                writer.Dropped,
                writer.RemovedFromSolutions);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static void CheckPlaces(string source, string destination, bool overwrite)
    {
        if (!Directory.Exists(source))
        {
            Fail(source, "the source repository does not exist or is not a folder");
        }

        if (destination == source || IsInside(source, destination))
        {
            Fail(destination, $"the destination would contain the repository being exported ({source}); choose another folder");
        }

        if (File.Exists(destination))
        {
            Fail(destination, "the destination is a file; choose a folder that does not exist yet");
        }

        if (!overwrite && Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            Fail(destination, "the destination is not empty; choose a new folder or ask for it to be overwritten");
        }
    }

    /// <summary>A destination inside the repository is never exported into itself.</summary>
    private static IEnumerable<string> DestinationInside(string source, string destination) =>
        IsInside(destination, source) ? [Path.GetRelativePath(source, destination) + "/"] : [];

    /// <summary>Whether <paramref name="path"/> lies strictly under <paramref name="folder"/>.</summary>
    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void ThrowIfAny(IReadOnlyList<ExportError> errors)
    {
        if (errors.Count > 0)
        {
            var ordered = errors
                .OrderBy(e => e.File, StringComparer.Ordinal)
                .ThenBy(e => e.Line ?? 0)
                .ToList();
            throw new ExportFailedException(ordered);
        }
    }

    private static void Fail(string path, string message) =>
        throw new ExportFailedException([new ExportError(path, null, message)]);
}
