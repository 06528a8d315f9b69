using System.Diagnostics;
using System.Text;
using TinyKv.Course.Manifest;

namespace TinyKv.Course.Running;

/// <summary>
/// Runs graded tests in child <c>dotnet test</c> processes. Each test may run for the
/// milestone's time limit (vstest's blame collector kills a host whose test runs longer); a
/// killed or crashed host costs only the test it was running: the runner records that test and
/// starts again without every test already accounted for, until all have a result.
/// </summary>
public sealed class DotnetTestRunner : ITestRunner
{
    /// <summary>How many times one milestone's tests are restarted after hangs or crashes before the runner gives up.</summary>
    private const int MaxRestarts = 500;

    private readonly string _root;
    private readonly TextWriter? _log;

    /// <param name="repositoryRoot">The repository whose test projects the manifest names.</param>
    /// <param name="log">Where to echo the commands run and the build output (null: nowhere).</param>
    public DotnetTestRunner(string repositoryRoot, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        _root = Path.GetFullPath(repositoryRoot);
        _log = log;
    }

    /// <inheritdoc />
    public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(settings);
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        foreach (var project in milestones.SelectMany(m => m.TestProjects).Distinct(StringComparer.Ordinal))
        {
            string[] arguments = ["build", project, "-nologo", "-v", "quiet", .. settings.MsBuildArguments];
            _log?.WriteLine($"$ dotnet {string.Join(' ', arguments)}");
            var result = ChildProcess.Run("dotnet", arguments, _root, TimeSpan.FromMinutes(15));
            output.Append(result.Output);
            if (result.ExitCode != 0)
            {
                return new BuildOutcome(false, output.ToString(), stopwatch.Elapsed);
            }
        }

        return new BuildOutcome(true, output.ToString(), stopwatch.Elapsed);
    }

    /// <inheritdoc />
    public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        ArgumentNullException.ThrowIfNull(settings);
        var stopwatch = Stopwatch.StartNew();
        var results = new Dictionary<string, TestResult>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var project in milestone.TestProjects)
        {
            RunProject(milestone, project, settings, results, problems, progress);
        }

        if (results.Count == 0 && problems.Count == 0)
        {
            problems.Add($"no test carries [Milestone(\"{milestone.Id}\")] in {string.Join(", ", milestone.TestProjects)}");
        }

        var ordered = results.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return new MilestoneRun(milestone, ordered, problems, stopwatch.Elapsed);
    }

    private void RunProject(
        MilestoneSpec milestone,
        string project,
        BuildSettings settings,
        Dictionary<string, TestResult> results,
        List<string> problems,
        IProgress<TestProgress>? progress)
    {
        var accounted = new HashSet<string>(StringComparer.Ordinal);
        var resultsRoot = Path.Combine(Path.GetTempPath(), $"tinykv-grader-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            for (var attempt = 0; attempt <= MaxRestarts; attempt++)
            {
                var resultsDirectory = Path.Combine(resultsRoot, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var filter = FilterFor(milestone.Id, accounted);
                string[] arguments =
                [
                    "test", project, "--no-build", "--nologo", .. settings.MsBuildArguments,
                    "--filter", filter,
                    "--logger", "trx;LogFileName=results.trx",
                    "--logger", "console;verbosity=normal",
                    "--results-directory", resultsDirectory,
                    "--blame-hang-timeout", $"{milestone.TestTimeLimitSeconds}s",
                    "--blame-hang-dump-type", "none",
                ];
                _log?.WriteLine($"$ dotnet {string.Join(' ', arguments)}");

                var finished = results.Count;
                var watchdog = TimeSpan.FromSeconds((milestone.TestTimeLimitSeconds * 200) + 300);
                var run = ChildProcess.Run("dotnet", arguments, _root, watchdog, line =>
                {
                    if (line.StartsWith("  Passed ", StringComparison.Ordinal) || line.StartsWith("  Failed ", StringComparison.Ordinal))
                    {
                        progress?.Report(new TestProgress(milestone.Id, Interlocked.Increment(ref finished), 0, null));
                    }
                });

                var newResults = 0;
                foreach (var test in ReadResults(resultsDirectory))
                {
                    accounted.Add(test.FullyQualifiedName);
                    results[test.Name] = new TestResult(milestone.Id, test.Name, test.Outcome, test.Duration, test.Output);
                    newResults++;
                }

                var aborted = run.Output.Contains("Test Run Aborted", StringComparison.Ordinal)
                    || run.Output.Contains("aborted because the host process exited", StringComparison.Ordinal);
                if (run.KilledByWatchdog)
                {
                    problems.Add($"{project}: the test run passed its overall limit of {watchdog} and was stopped");
                    return;
                }

                if (!aborted)
                {
                    if (run.ExitCode != 0 && newResults == 0 && accounted.Count == 0 && !run.Output.Contains("No test matches the given testcase filter", StringComparison.Ordinal))
                    {
                        problems.Add($"{project}: dotnet test exited with {run.ExitCode} and reported no results:\n{Tail(run.Output)}");
                    }

                    return;
                }

                var hung = run.Output.Contains("inactivity time", StringComparison.Ordinal);
                if (hung)
                {
                    var stuck = ReadIncomplete(resultsDirectory).Where(accounted.Add).ToList();
                    if (stuck.Count == 0)
                    {
                        problems.Add($"{project}: a test hung but the blame collector named none; output:\n{Tail(run.Output)}");
                        return;
                    }

                    foreach (var fqn in stuck)
                    {
                        var result = new TestResult(milestone.Id, TrxReport.DisplayName(ClassOf(fqn), fqn), TestOutcome.TimedOut, TimeSpan.FromSeconds(milestone.TestTimeLimitSeconds), $"timed out after {milestone.TestTimeLimitSeconds} s");
                        results[result.Name] = result;
                        progress?.Report(new TestProgress(milestone.Id, results.Count, 0, result));
                    }

                    continue;
                }

                // The host died at once (a stack overflow, a fail-fast): it may not have reported the
                // test that killed it, so the blame collector's guess cannot be trusted. Run every
                // remaining test alone: the culprit crashes its own host and no one else's.
                var remaining = ListTests(project, settings, FilterFor(milestone.Id, accounted));
                if (remaining.Count == 0)
                {
                    problems.Add($"{project}: the test host crashed and no test is left to blame; output:\n{Tail(run.Output)}");
                    return;
                }

                foreach (var fqn in remaining.Where(accounted.Add))
                {
                    foreach (var result in RunAlone(milestone, project, settings, fqn, Path.Combine(resultsRoot, "alone-" + results.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                    {
                        results[result.Name] = result;
                        progress?.Report(new TestProgress(milestone.Id, results.Count, 0, result));
                        if (result.Outcome == TestOutcome.Crashed)
                        {
                            problems.Add($"the test host crashed while {result.Name} ran");
                        }
                    }
                }

                return;
            }

            problems.Add($"{project}: gave up after {MaxRestarts} restarts of the test host");
        }
        finally
        {
            try
            {
                Directory.Delete(resultsRoot, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing was written.
            }
        }
    }

    private IReadOnlyList<TestResult> RunAlone(MilestoneSpec milestone, string project, BuildSettings settings, string fqn, string resultsDirectory)
    {
        string[] arguments =
        [
            "test", project, "--no-build", "--nologo", .. settings.MsBuildArguments,
            "--filter", $"Milestone={milestone.Id}&FullyQualifiedName={Escape(fqn)}",
            "--logger", "trx;LogFileName=results.trx",
            "--results-directory", resultsDirectory,
            "--blame-hang-timeout", $"{milestone.TestTimeLimitSeconds}s",
            "--blame-hang-dump-type", "none",
        ];
        _log?.WriteLine($"$ dotnet {string.Join(' ', arguments)}");
        var run = ChildProcess.Run("dotnet", arguments, _root, TimeSpan.FromSeconds((milestone.TestTimeLimitSeconds * 20) + 120));
        var finished = ReadResults(resultsDirectory).Where(t => t.FullyQualifiedName == fqn).ToList();
        var name = TrxReport.DisplayName(ClassOf(fqn), fqn);
        if (!run.Output.Contains("Test Run Aborted", StringComparison.Ordinal))
        {
            return [.. finished.Select(t => new TestResult(milestone.Id, t.Name, t.Outcome, t.Duration, t.Output))];
        }

        return run.Output.Contains("inactivity time", StringComparison.Ordinal)
            ? [new TestResult(milestone.Id, name, TestOutcome.TimedOut, TimeSpan.FromSeconds(milestone.TestTimeLimitSeconds), $"timed out after {milestone.TestTimeLimitSeconds} s")]
            : [new TestResult(milestone.Id, name, TestOutcome.Crashed, TimeSpan.Zero, "the test host crashed while this test ran:\n" + Tail(run.Output))];
    }

    /// <summary>The tests a filter selects, as fully qualified method names (theory cases folded into their method).</summary>
    private List<string> ListTests(string project, BuildSettings settings, string filter)
    {
        string[] arguments = ["test", project, "--no-build", "--nologo", .. settings.MsBuildArguments, "--list-tests", "--filter", filter];
        var run = ChildProcess.Run("dotnet", arguments, _root, TimeSpan.FromMinutes(5));
        return [.. run.Output.Split('\n')
            .SkipWhile(line => !line.Contains("The following Tests are available", StringComparison.Ordinal))
            .Skip(1)
            .Where(line => line.StartsWith("    ", StringComparison.Ordinal))
            .Select(line => line.Trim())
            .Select(name => name.IndexOf('(', StringComparison.Ordinal) is var paren and >= 0 ? name[..paren] : name)
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The vstest filter for a milestone's tests, less those already accounted for.</summary>
    public static string FilterFor(string milestone, IEnumerable<string> exclude) =>
        string.Concat(exclude.Order(StringComparer.Ordinal).Select(fqn => "&FullyQualifiedName!=" + Escape(fqn)).Prepend("Milestone=" + milestone));

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\\' or '(' or ')' or '&' or '|' or '=' or '!' or '~')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static IEnumerable<TrxTest> ReadResults(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories).SelectMany(f => TrxReport.Parse(File.ReadAllText(f)))
            : [];

    private static IEnumerable<string> ReadIncomplete(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "Sequence_*.xml", SearchOption.AllDirectories)
                .SelectMany(f => TrxReport.IncompleteTests(File.ReadAllText(f)))
                .Distinct(StringComparer.Ordinal)
            : [];

    private static string ClassOf(string fqn)
    {
        var dot = fqn.LastIndexOf('.');
        return dot < 0 ? "" : fqn[..dot];
    }

    private static string Tail(string output, int lines = 15) =>
        string.Join('\n', output.Split('\n').TakeLast(lines)).Trim();
}
