using TinyKv.Course.Autograder;
using TinyKv.Course.Hints;
using TinyKv.Course.Running;
using TinyKv.Grader.Submissions;

namespace TinyKv.Grader;

/// <summary>Everything one grading run found: what was built, what ran, what could not.</summary>
/// <param name="Edition">The build's label ("reference", "student", "reference through 2AC", "as is").</param>
/// <param name="Started">When grading started.</param>
/// <param name="Finished">When it finished.</param>
/// <param name="Runs">One run per graded milestone, in course order.</param>
/// <param name="NotAvailable">Milestones asked for that are not built yet (not graded, not counted).</param>
/// <param name="BuildError">The build's error lines when the build failed; null otherwise.</param>
public sealed record GradeReport(
    string Edition,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    IReadOnlyList<MilestoneRun> Runs,
    IReadOnlyList<string> NotAvailable,
    string? BuildError)
{
    /// <summary>Where the grade comes from (submission hash, tree commit, machine, time, seeds); null when not stamped.</summary>
    public GradeStamp? Stamp { get; init; }

    /// <summary>The submission graded, what was ignored and what did not compile; null when the tree itself was graded.</summary>
    public SubmissionNotes? Submission { get; init; }

    /// <summary>The hints keyed to failures the reports add to failed tests (none unless given).</summary>
    public FailureHints Hints { get; init; } = FailureHints.None;

    /// <summary>When Gradescope shows students each test (the Gradescope format only; after publishing unless given).</summary>
    public TestVisibility Visibility { get; init; } = TestVisibility.AfterPublished;

    public int Passed => Runs.Sum(r => r.Passed);

    public int Failed => Runs.Sum(r => r.Failed);

    public double Score => Runs.Sum(r => r.Score);

    public double MaxScore => Runs.Sum(r => r.Milestone.Points);

    /// <summary>The closing line every grading run prints last.</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";

    /// <summary>Whether every selected test passed, and at least one ran.</summary>
    public bool AllPassed => Failed == 0 && Passed > 0 && BuildError is null;
}
