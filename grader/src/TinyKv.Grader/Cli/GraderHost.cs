using TinyKv.Course.Hints;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Submissions;

namespace TinyKv.Grader.Cli;

/// <summary>
/// Everything the grader's command line takes from the world outside it: its output streams,
/// its clock, how it finds and reads the course, how it runs tests and writes files. The real
/// host is made in <c>Program.cs</c>; tests pass fakes, so they start no process.
/// </summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Time">The clock for start and finish times.</param>
/// <param name="FindRepositoryRoot">Finds the course repository when --root is not given.</param>
/// <param name="LoadMilestones">Reads the milestones, in course order, from a repository root.</param>
/// <param name="CreateRunner">Makes the test runner for a repository root.</param>
/// <param name="CreateProgress">Makes the progress display (a bar at a terminal, plain lines otherwise).</param>
/// <param name="WriteFile">Writes a results file (path, text).</param>
public sealed record GraderHost(
    TextWriter Out,
    TextWriter Error,
    TimeProvider Time,
    Func<string> FindRepositoryRoot,
    Func<string, IReadOnlyList<MilestoneSpec>> LoadMilestones,
    Func<string, ITestRunner> CreateRunner,
    Func<IGradingProgress> CreateProgress,
    Action<string, string> WriteFile)
{
    /// <summary>What grading a submission uses; null for the host's runner, clock and progress with the real workbook export, temp folder and machine.</summary>
    public SubmissionEnvironment? Submissions { get; init; }

    /// <summary>
    /// Reads the hints keyed to failures from a repository root; by default its
    /// <c>course/hints.json</c>, none when it has no such file (a tree older than the table).
    /// </summary>
    public Func<string, FailureHints> LoadHints { get; init; } =
        root => File.Exists(Path.Combine(root, FailureHints.RelativePath)) ? FailureHints.LoadFrom(root) : FailureHints.None;

    /// <summary>The environment <c>grader submission</c> grades in.</summary>
    public SubmissionEnvironment SubmissionEnvironment() => Submissions ?? new SubmissionEnvironment(CreateRunner, Time, CreateProgress);
}
