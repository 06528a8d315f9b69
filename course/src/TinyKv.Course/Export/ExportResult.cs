namespace TinyKv.Course.Export;

/// <summary>What a successful <see cref="Exporter.Export"/> produced.</summary>
/// <param name="Destination">The full path of the student's tree.</param>
/// <param name="ListedByGit">True when the files came from git (tracked plus not ignored), false for a directory walk.</param>
/// <param name="FilesCopied">Files written to the destination, edited ones included.</param>
/// <param name="FilesStripped">C# files that had at least one slot block removed.</param>
/// <param name="SlotsRemoved">Slot blocks removed per milestone id, in course order; milestones with none are absent.</param>
/// <param name="DroppedPaths">Repository-relative paths of the files left out by <see cref="ExportOptions.Exclude"/>.</param>
/// <param name="RemovedSolutionEntries">Project and file paths taken out of the root solution files.</param>
public sealed record ExportResult(
    string Destination,
    bool ListedByGit,
    int FilesCopied,
    int FilesStripped,
    IReadOnlyDictionary<string, int> SlotsRemoved,
    IReadOnlyList<string> DroppedPaths,
    IReadOnlyList<string> RemovedSolutionEntries)
{
    /// <summary>Slot blocks removed over all milestones.</summary>
    public int TotalSlotsRemoved => SlotsRemoved.Values.Sum();
}
