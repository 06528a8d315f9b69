using TinyKv.Course.Manifest;

namespace TinyKv.Course.Running;

/// <summary>How one graded test ended.</summary>
public enum TestOutcome
{
    /// <summary>The test passed.</summary>
    Passed,

    /// <summary>The test failed on an assertion or an exception of the student's code.</summary>
    Failed,

    /// <summary>The test failed with a <see cref="TodoException"/>: the slot it needs is unwritten.</summary>
    NotStarted,

    /// <summary>The test ran past the milestone's per-test time limit and was stopped.</summary>
    TimedOut,

    /// <summary>The test host died while this test ran (stack overflow, fail-fast, …).</summary>
    Crashed,
}

/// <summary>The result of one graded test.</summary>
/// <param name="Milestone">The milestone id.</param>
/// <param name="Name">The test's display name (class and method, without the namespace).</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Output">The failure message and stack trace, or what the runner knows of a hang or crash; empty when passed.</param>
public sealed record TestResult(string Milestone, string Name, TestOutcome Outcome, TimeSpan Duration, string Output)
{
    /// <summary>Whether the test counts as passed.</summary>
    public bool IsPassed => Outcome == TestOutcome.Passed;

    /// <summary>What the test wrote to its output helper, when the runner kept it; empty otherwise.</summary>
    public string StandardOutput { get; init; } = "";
}

/// <summary>The results of one milestone's graded tests.</summary>
/// <param name="Milestone">The milestone, as the manifest describes it.</param>
/// <param name="Tests">Every graded test of the milestone, in a stable order (by name).</param>
/// <param name="Problems">What went wrong around the tests: a build failure, a test host crash, no tests found.</param>
/// <param name="Elapsed">Wall time of the milestone's run.</param>
public sealed record MilestoneRun(
    MilestoneSpec Milestone,
    IReadOnlyList<TestResult> Tests,
    IReadOnlyList<string> Problems,
    TimeSpan Elapsed)
{
    public int Total => Tests.Count;

    public int Passed => Tests.Count(t => t.IsPassed);

    public int Failed => Total - Passed;

    public int NotStarted => Tests.Count(t => t.Outcome == TestOutcome.NotStarted);

    /// <summary>Points earned: the milestone's points times the share of passed tests (0 when no tests ran).</summary>
    public double Score => Total == 0 ? 0 : Milestone.Points * Passed / Total;

    /// <summary>What one test is worth.</summary>
    public double PointsPerTest => Total == 0 ? 0 : Milestone.Points / Total;
}

/// <summary>Which build of the repository to test.</summary>
/// <param name="Edition">"Reference", "Student", or null to build the tree as it is (a student's tree has no switch).</param>
/// <param name="ReferenceThrough">A milestone id: compile the reference of every milestone up to it; null for none.</param>
public sealed record BuildSettings(string? Edition, string? ReferenceThrough)
{
    /// <summary>The tree as it stands, with no properties passed.</summary>
    public static BuildSettings AsIs { get; } = new(null, null);

    /// <summary>The MSBuild arguments (<c>-p:Edition=…</c>, <c>-p:ReferenceThrough=…</c>) for this build.</summary>
    public IReadOnlyList<string> MsBuildArguments =>
        [
            .. Edition is null ? Array.Empty<string>() : [$"-p:Edition={Edition}"],
            .. ReferenceThrough is null ? Array.Empty<string>() : [$"-p:ReferenceThrough={ReferenceThrough}"],
        ];

    /// <summary>
    /// Where the builds of another edition go, under the repository root. The full reference and
    /// the tree as it is build into each project's own bin and obj, as <c>dotnet build</c> and
    /// <c>dotnet test</c> do, so the grader on the reference shares the developer's build; every
    /// other edition builds into this one tree of its own, so grading or verifying a student
    /// edition leaves the developer's build as it was. The editions share the tree because they
    /// differ only in the projects that hold slots: switching between them recompiles those
    /// alone, where a tree per edition would build every project from scratch once per edition.
    /// </summary>
    public const string EditionsFolder = ".artifacts/editions";

    /// <summary>Whether this build goes to <see cref="EditionsFolder"/> rather than the projects' bin and obj.</summary>
    public bool InEditionsTree => ReferenceThrough is not null || Edition is "Student";

    /// <summary>
    /// Whether the build may run the analyzers and code-style rules (<c>RunAnalyzers</c>); on
    /// unless turned off, as the mutants do. Builds in the editions tree never run them: they judge
    /// what the code does, on mixes of reference and stubs nobody edits or on a student's files
    /// graded beside the reference, and style is checked where code is written (the developer's
    /// build, the student's workbook). Analyzers take about 40% of a build's time here.
    /// </summary>
    public bool Analyzers { get; init; } = true;

    /// <summary>Whether this build runs the analyzers: <see cref="Analyzers"/>, outside the editions tree.</summary>
    public bool RunsAnalyzers => Analyzers && !InEditionsTree;

    /// <summary>
    /// The MSBuild arguments for this build of the repository at <paramref name="repositoryRoot"/>:
    /// <see cref="MsBuildArguments"/>, for another edition the tree it builds into, and
    /// <c>-p:RunAnalyzers=false</c> unless it <see cref="RunsAnalyzers"/>.
    /// </summary>
    public IReadOnlyList<string> MsBuildArgumentsIn(string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        return
        [
            .. MsBuildArguments,
            .. InEditionsTree ? [$"-p:ArtifactsPath={Path.Combine(Path.GetFullPath(repositoryRoot), EditionsFolder)}", "-p:UseArtifactsOutput=true"] : Array.Empty<string>(),
            .. RunsAnalyzers ? Array.Empty<string>() : ["-p:RunAnalyzers=false"],
        ];
    }

    /// <summary>A short label for tables: "reference", "student", "reference through 2AC", "as is".</summary>
    public string Label => (Edition, ReferenceThrough) switch
    {
        (_, not null) => $"reference through {ReferenceThrough}",
        (null, null) => "as is",
        _ => Edition!.ToLowerInvariant(),
    };
}
