namespace TinyKv.Grader.Submissions;

/// <summary>What a report says about the submission it graded, beyond the tests' results.</summary>
/// <param name="Source">What was graded: "zip /path/alice.zip", "git repository … at abc1234".</param>
/// <param name="Mode">Isolated or cumulative.</param>
/// <param name="Ignored">Files changed or added outside the submitted files: not graded.</param>
/// <param name="CompileErrors">For each milestone whose build failed, the compiler's error lines (paths relative to the tree).</param>
/// <param name="IgnoredUnknown">Why the ignored files could not be listed, when they could not; null otherwise.</param>
public sealed record SubmissionNotes(
    string Source,
    GradingMode Mode,
    IReadOnlyList<IgnoredFile> Ignored,
    IReadOnlyDictionary<string, string> CompileErrors,
    string? IgnoredUnknown = null)
{
    /// <summary>The mode as reports show it.</summary>
    public string ModeText => Mode == GradingMode.Isolate
        ? "isolated (each milestone on the reference of the milestones before it)"
        : "cumulative (each milestone with the student's files of every milestone up to it)";
}
