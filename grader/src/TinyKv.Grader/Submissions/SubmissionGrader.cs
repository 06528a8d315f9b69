using TinyKv.Course.Export;
using TinyKv.Course.Hints;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Seeds;

namespace TinyKv.Grader.Submissions;

/// <summary>
/// Grades one student submission against the instructor's tree: opens it
/// (<see cref="SubmissionSource"/>), copies the instructor's repository (<see cref="GradingTree"/>),
/// and for each selected milestone puts the student's submitted files in place
/// (<see cref="MilestonePlan"/>), builds, and runs the milestone's tests. Tests, test kit, manifest
/// and every other file stay the instructor's. A milestone whose build fails scores 0 with the
/// compiler's errors; the others still run. Everything happens in a temp folder of its own,
/// removed afterwards unless kept. <c>grader batch</c> can call <see cref="Grade"/> per submission.
/// </summary>
public sealed class SubmissionGrader
{
    private readonly string _instructorRoot;
    private readonly IReadOnlyList<MilestoneSpec> _course;
    private readonly SubmissionEnvironment _environment;
    private readonly TextWriter _out;

    /// <param name="instructorRoot">The instructor's repository: the reference tree the submission is graded in.</param>
    /// <param name="course">Every milestone of the course, in course order.</param>
    /// <param name="environment">The runner, clock, progress, workbook export and temp folder to use.</param>
    /// <param name="output">Where the grader's own lines go.</param>
    public SubmissionGrader(string instructorRoot, IReadOnlyList<MilestoneSpec> course, SubmissionEnvironment environment, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(instructorRoot);
        ArgumentNullException.ThrowIfNull(course);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        _instructorRoot = Path.GetFullPath(instructorRoot);
        _course = course;
        _environment = environment;
        _out = output;
    }

    /// <summary>The hints keyed to failures the report adds to failed tests.</summary>
    public FailureHints Hints { get; init; } = FailureHints.None;

    /// <summary>Every file a student submits, for any milestone.</summary>
    private IReadOnlyList<string> Submittable => [.. _course.SelectMany(m => m.Submits).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Grades <paramref name="request"/>'s submission; returns the report (not yet printed or written).</summary>
    /// <exception cref="UsageException">A milestone is unknown, or the submission cannot be opened (see <see cref="SubmissionSource.Open"/>).</exception>
    public GradeReport Grade(SubmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (selected, notAvailable) = MilestoneSelection.Select(_course, request.Milestones);
        foreach (var id in notAvailable)
        {
            _out.WriteLine($"{id}: not available yet");
        }

        var started = _environment.Time.GetUtcNow();
        var scratch = Path.Combine(_environment.TempFolder, $"tinykv-grade-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var submission = SubmissionSource.Open(request.Path, request.Revision, scratch, Submittable);
            _out.WriteLine($"grading {submission.Description}");
            var files = ReadSubmitted(submission.Root);
            var (ignored, ignoredUnknown) = FindIgnored(submission.Root, scratch);
            var tree = GradingTree.Copy(_instructorRoot, Path.Combine(scratch, "tree"));
            var runner = _environment.CreateRunner(tree.Root);
            var compileErrors = new Dictionary<string, string>(StringComparer.Ordinal);
            var graded = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var runs = new List<MilestoneRun>();
            foreach (var milestone in selected)
            {
                var plan = MilestonePlan.For(milestone, _course, request.Mode);
                var used = plan.StudentFiles.Where(files.ContainsKey).ToDictionary(p => p, p => files[p], StringComparer.Ordinal);
                foreach (var (path, content) in used)
                {
                    graded[path] = content;
                }

                tree.Place(Submittable, used);
                runs.Add(Run(plan, runner, tree.Root, compileErrors, MissingOf(plan, files), request));
            }

            var (commit, dirty) = Git.HeadOf(_instructorRoot);
            var stamp = new GradeStamp(GradeStamp.HashOf(graded), commit, dirty, _environment.Machine, started, request.Seeds);
            var notes = new SubmissionNotes(submission.Description, request.Mode, ignored, compileErrors, ignoredUnknown);
            return new GradeReport($"submission, {request.Mode.ToString().ToLowerInvariant()}", started, _environment.Time.GetUtcNow(), runs, notAvailable, null)
            {
                Stamp = stamp,
                Submission = notes,
                Hints = Hints,
            };
        }
        finally
        {
            if (request.Keep)
            {
                _out.WriteLine($"kept the grading tree and its builds in {scratch}");
            }
            else
            {
                GradingTree.Remove(scratch);
            }
        }
    }

    private MilestoneRun Run(MilestonePlan plan, ITestRunner runner, string treeRoot, Dictionary<string, string> compileErrors, List<string> missing, SubmissionRequest request)
    {
        var milestone = plan.Milestone;
        var whose = request.Mode == GradingMode.Isolate ? "its submitted files" : "the submitted files of every milestone up to it";
        _out.WriteLine($"{milestone.Id}: {whose}, on the {plan.Settings.Label} edition");
        MilestoneRun run;
        if (SessionSteps.BuildOrReport(runner, [milestone], plan.Settings, _out) is { } errors)
        {
            var relative = Relative(errors, treeRoot);
            compileErrors[milestone.Id] = relative;
            run = BuildFailure.RunFor(milestone, relative);
        }
        else
        {
            run = _environment.CreateProgress().Track([milestone], (m, progress) => runner.Run(m, plan.Settings, progress))[0];
            run = SeedGate.Apply(run, runner, plan.Settings, request.Seeds, _out);
            // Stack traces name the grading tree's temp folder; students see paths of their workbook.
            run = run with { Tests = [.. run.Tests.Select(t => t with { Output = Relative(t.Output, treeRoot) })] };
        }

        return missing.Count == 0 ? run : run with { Problems = [.. missing.Select(NotSubmitted), .. run.Problems] };
    }

    /// <summary><paramref name="text"/> with the grading tree's paths made relative to it.</summary>
    private static string Relative(string text, string treeRoot) =>
        text.Replace(treeRoot + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    private static string NotSubmitted(string path) => $"{path} was not submitted: graded with the workbook's stub";

    private static List<string> MissingOf(MilestonePlan plan, Dictionary<string, byte[]> files) =>
        [.. plan.Milestone.Submits.Where(p => !files.ContainsKey(p))];

    private Dictionary<string, byte[]> ReadSubmitted(string root) =>
        Submittable
            .Where(p => File.Exists(Path.Combine(root, p)))
            .ToDictionary(p => p, p => File.ReadAllBytes(Path.Combine(root, p)), StringComparer.Ordinal);

    /// <summary>The files changed outside the submitted ones, compared with the workbook exported from the instructor's tree.</summary>
    private (IReadOnlyList<IgnoredFile> Ignored, string? Unknown) FindIgnored(string submissionRoot, string scratch)
    {
        if (_environment.ExportedWorkbook is { } exported)
        {
            return (IgnoredChanges.Find(submissionRoot, exported, Submittable), null);
        }

        var workbook = Path.Combine(scratch, "workbook");
        try
        {
            _environment.ExportWorkbook(_instructorRoot, workbook);
        }
        catch (ExportFailedException ex)
        {
            var problems = ex.Errors.Count == 0 ? ex.Message : string.Join("; ", ex.Errors.Take(3).Select(e => e.ToString()));
            return ([], $"the workbook could not be exported from the instructor's tree: {problems}");
        }

        return (IgnoredChanges.Find(submissionRoot, workbook, Submittable), null);
    }
}
