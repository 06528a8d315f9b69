using TinyKv.Grader.Reports;

namespace TinyKv.Grader.Submissions;

/// <summary>One submission to grade, as <c>grader submission</c> asked.</summary>
/// <param name="Path">The workbook folder, .zip, git repository or git bundle.</param>
/// <param name="Revision">The revision of a git submission; null for HEAD.</param>
/// <param name="Milestones">The milestone ids asked for; empty for every available one.</param>
/// <param name="Mode">Isolated (the default) or cumulative.</param>
/// <param name="Format">The results file's format.</param>
/// <param name="OutFile">Where the results go; null for the format's default file (none for the table).</param>
/// <param name="Keep">Keep the temp folder with the grading tree and its builds, for debugging.</param>
public sealed record SubmissionRequest(
    string Path,
    string? Revision,
    IReadOnlyList<string> Milestones,
    GradingMode Mode,
    ReportFormat Format,
    string? OutFile,
    bool Keep = false)
{
    /// <summary>The seeds every simulated test must also pass under (<see cref="Seeds.SeedGate"/>); empty for none.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];
}
