using TinyKv.Course.Hints;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>
/// One grading run: pick the milestones, build once, run each milestone's tests through the
/// runner, print the score table, write the results file, and end with <c>N passed, N failed</c>.
/// Takes its runner, output and clock from the caller, so tests drive it without processes.
/// </summary>
public sealed class GradingSession
{
    private readonly IReadOnlyList<MilestoneSpec> _milestones;
    private readonly ITestRunner _runner;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly IGradingProgress _progress;
    private readonly Action<string, string> _writeFile;

    /// <param name="milestones">Every milestone of the course, in course order.</param>
    /// <param name="runner">Builds the repository and runs a milestone's tests.</param>
    /// <param name="output">Where the grader's own lines go (standard output).</param>
    /// <param name="time">The clock for the start and finish times.</param>
    /// <param name="progress">Shows the milestones' progress while they run.</param>
    /// <param name="writeFile">Writes a results file (path, text); default: <see cref="ResultsFile.Write"/>.</param>
    public GradingSession(
        IReadOnlyList<MilestoneSpec> milestones,
        ITestRunner runner,
        TextWriter output,
        TimeProvider time,
        IGradingProgress progress,
        Action<string, string>? writeFile = null)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(progress);
        _milestones = milestones;
        _runner = runner;
        _out = output;
        _time = time;
        _progress = progress;
        _writeFile = writeFile ?? ResultsFile.Write;
    }

    /// <summary>The hints keyed to failures the report adds to failed tests.</summary>
    public FailureHints Hints { get; init; } = FailureHints.None;

    /// <summary>
    /// Grades as <paramref name="request"/> says; returns the process exit code: 0 only when every
    /// selected test passed (and at least one ran) and the results file, if any, was written.
    /// </summary>
    /// <exception cref="UsageException">A milestone id is unknown.</exception>
    public int Run(GradeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (selected, notAvailable) = MilestoneSelection.Select(_milestones, request.Milestones);
        foreach (var id in notAvailable)
        {
            _out.WriteLine($"{id}: not available yet");
        }

        var started = _time.GetUtcNow();
        var (runs, buildError) = selected.Count == 0 ? ([], null) : BuildAndRun(selected, request.Settings);
        var report = new GradeReport(request.Settings.Label, started, _time.GetUtcNow(), runs, notAvailable, buildError) { Hints = Hints };

        return SessionSteps.Report(report, request.Format, request.OutFile, _writeFile, _out);
    }

    private (IReadOnlyList<MilestoneRun> Runs, string? BuildError) BuildAndRun(IReadOnlyList<MilestoneSpec> selected, BuildSettings settings)
    {
        if (SessionSteps.BuildOrReport(_runner, selected, settings, _out) is { } errors)
        {
            return ([.. selected.Select(m => BuildFailure.RunFor(m, errors))], errors);
        }

        return (_progress.Track(selected, (milestone, progress) => _runner.Run(milestone, settings, progress)), null);
    }
}
