using System.Diagnostics;
using System.Globalization;
using System.Text;
using TinyKv.Course.Manifest;

namespace TinyKv.Course.Running;

/// <summary>
/// Runs graded tests in child processes: <c>dotnet build</c> for the build, <c>dotnet vstest</c>
/// on the built assemblies for the tests. Each test may run for the milestone's time limit
/// (vstest's blame collector kills a host whose test runs longer). A killed or crashed host
/// costs only the test it was running: the runner records that test, then starts again without
/// every test already accounted for, until all have a result.
/// </summary>
public sealed class DotnetTestRunner : ITestRunner
{
    private readonly string _root;
    private readonly TextWriter? _log;
    private readonly VsTestCommand _vstest;

    /// <param name="repositoryRoot">The repository whose test projects the manifest names.</param>
    /// <param name="log">Where to echo the commands run (null: nowhere).</param>
    public DotnetTestRunner(string repositoryRoot, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        _root = Path.GetFullPath(repositoryRoot);
        _log = log;
        _vstest = new VsTestCommand(_root, log);
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
        var problems = new List<string>();
        var plans = milestone.TestProjects
            .Select(project => Discover(milestone, project, settings, problems))
            .OfType<ProjectPlan>()
            .ToList();
        var tally = new Tally(milestone.Id, plans.Sum(p => p.Tests.Count), progress);
        tally.Start();
        foreach (var plan in plans.Where(p => p.Tests.Count > 0))
        {
            new ProjectRun(milestone, plan, _vstest, tally, problems).Execute();
        }

        if (tally.Results.Count == 0 && problems.Count == 0)
        {
            problems.Add($"no test carries [Milestone(\"{milestone.Id}\")] in {string.Join(", ", milestone.TestProjects)}");
        }

        var ordered = tally.Results.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return new MilestoneRun(milestone, ordered, problems, stopwatch.Elapsed);
    }

    /// <summary>Finds the project's built assembly and the milestone's tests in it; null (and a problem) when it cannot.</summary>
    private ProjectPlan? Discover(MilestoneSpec milestone, string project, BuildSettings settings, List<string> problems)
    {
        var assembly = _vstest.AssemblyOf(project, settings);
        if (assembly is null)
        {
            problems.Add($"{project}: MSBuild could not tell where its test assembly is (does the project exist?)");
            return null;
        }

        if (!File.Exists(assembly))
        {
            problems.Add($"{project}: {assembly} is missing; build it first");
            return null;
        }

        var tests = _vstest.List(assembly, VsTestFilter.MilestoneExcept(milestone.Id, []));
        if (tests is null)
        {
            problems.Add($"{project}: vstest could not list its tests");
            return null;
        }

        return new ProjectPlan(project, assembly, tests);
    }

    /// <summary>The overall limit for a run of <paramref name="tests"/> tests, past which the run is killed.</summary>
    internal static TimeSpan WatchdogFor(MilestoneSpec milestone, int tests) =>
        TimeSpan.FromSeconds((milestone.TestTimeLimitSeconds * (tests + 2)) + 120);

    internal static string Tail(string output, int lines = 15) =>
        string.Join('\n', output.Split('\n').TakeLast(lines)).Trim();

    /// <summary>A test project of the milestone: its built assembly and the display names of the milestone's tests in it.</summary>
    private sealed record ProjectPlan(string Project, string Assembly, IReadOnlyList<string> Tests);

    /// <summary>The milestone's results so far, and the progress reports they make.</summary>
    private sealed class Tally(string milestone, int total, IProgress<TestProgress>? progress)
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TestResult> _results = new(StringComparer.Ordinal);

        public IReadOnlyCollection<TestResult> Results
        {
            get
            {
                lock (_gate)
                {
                    return [.. _results.Values];
                }
            }
        }

        public void Start() => progress?.Report(new TestProgress(milestone, 0, total, null));

        /// <summary>A console line said a test finished; its result comes later, from the TRX file.</summary>
        public void Finished(string displayName) => Report(displayName, null);

        /// <summary>Records a test's result under its display name.</summary>
        public void Record(string displayName, TestResult result)
        {
            lock (_gate)
            {
                _results[displayName] = result;
            }

            Report(displayName, result);
        }

        private void Report(string displayName, TestResult? result)
        {
            int completed;
            lock (_gate)
            {
                if (!_reported.Add(displayName))
                {
                    return;
                }

                completed = _reported.Count;
            }

            progress?.Report(new TestProgress(milestone, completed, Math.Max(total, completed), result));
        }
    }

    /// <summary>
    /// The runs of one test project: a run of every test not yet accounted for, and after a hang
    /// or crash, the suspects alone, again and again until every test has a result.
    /// </summary>
    private sealed class ProjectRun(MilestoneSpec milestone, ProjectPlan plan, VsTestCommand vstest, Tally tally, List<string> problems)
    {
        private readonly HashSet<string> _accounted = new(StringComparer.Ordinal);
        private readonly string _resultsRoot = Path.Combine(Path.GetTempPath(), $"tinykv-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        private int _runs;

        private int Limit => milestone.TestTimeLimitSeconds;

        public void Execute()
        {
            try
            {
                // Every pass accounts for at least one test or stops, so this bound is never the reason to stop.
                for (var pass = 0; pass <= plan.Tests.Count + 1; pass++)
                {
                    var before = _accounted.Count;
                    if (!RunRemaining() || _accounted.Count == before)
                    {
                        return;
                    }
                }
            }
            finally
            {
                DeleteResults();
            }
        }

        /// <summary>Runs every test not yet accounted for; true when the host went away and another pass is needed.</summary>
        private bool RunRemaining()
        {
            var remaining = plan.Tests.Count(t => !_accounted.Contains(t));
            var run = vstest.Execute(
                plan.Assembly,
                VsTestFilter.MilestoneExcept(milestone.Id, _accounted),
                Limit,
                NextResultsDirectory(),
                WatchdogFor(milestone, Math.Max(remaining, 1)),
                tally.Finished);
            RecordAll(run.Results);
            switch (run.End)
            {
                case TestHostEnd.Completed:
                    if (run.Results.Count == 0 && _accounted.Count == 0)
                    {
                        problems.Add($"{plan.Project}: vstest listed {plan.Tests.Count} tests but reported none:\n{Tail(run.Output)}");
                    }

                    return false;
                case TestHostEnd.Watchdog:
                    problems.Add($"{plan.Project}: the test run passed its overall limit of {WatchdogFor(milestone, remaining).TotalSeconds:0} s and was stopped");
                    return false;
                default:
                    break;
            }

            var suspects = run.Unfinished.Where(t => !_accounted.Contains(t.DisplayName)).ToList();
            if (run.End == TestHostEnd.HangTimeout && suspects.Count == 1)
            {
                // A hang leaves time for every start and end to be reported: the one test
                // still running is the one that hung.
                RecordTimedOut(suspects[0]);
                return true;
            }

            if (suspects.Count == 0)
            {
                // The host died before it could say which test it was running: every test left
                // is a suspect.
                suspects = [.. plan.Tests.Where(t => !_accounted.Contains(t)).Select(t => new BlamedTest(FullyQualifiedNameOf(t), t))];
            }

            // Several tests were running at once (a hang stopped them all), or a crash: the blame
            // collector's guess may be the test before the culprit, whose end was never
            // reported. Each suspect alone settles it.
            foreach (var suspect in suspects)
            {
                RunAlone(suspect);
            }

            return true;
        }

        private void RunAlone(BlamedTest suspect)
        {
            var run = vstest.Execute(
                plan.Assembly,
                VsTestFilter.OnlyTest(milestone.Id, suspect.DisplayName),
                Limit,
                NextResultsDirectory(),
                WatchdogFor(milestone, 1));
            RecordAll(run.Results);
            if (_accounted.Contains(suspect.DisplayName))
            {
                return;
            }

            switch (run.End)
            {
                case TestHostEnd.HangTimeout:
                    RecordTimedOut(suspect);
                    break;
                case TestHostEnd.HostCrashed or TestHostEnd.Watchdog:
                    var output = CrashReport(run.Output);
                    problems.Add($"{suspect.Name} crashed the test host:\n{output}");
                    Record(suspect.DisplayName, new TestResult(milestone.Id, suspect.Name, TestOutcome.Crashed, TimeSpan.Zero, "the test host crashed while this test ran:\n" + output));
                    break;
                default:
                    problems.Add($"{suspect.Name}: run on its own, it reported no result");
                    Record(suspect.DisplayName, new TestResult(milestone.Id, suspect.Name, TestOutcome.Failed, TimeSpan.Zero, "the test reported no result:\n" + Tail(run.Output)));
                    break;
            }
        }

        private void RecordAll(IEnumerable<TrxTest> tests)
        {
            foreach (var test in tests)
            {
                Record(test.DisplayName, new TestResult(milestone.Id, test.Name, test.Outcome, test.Duration, test.Output));
            }
        }

        private void RecordTimedOut(BlamedTest test) =>
            Record(test.DisplayName, new TestResult(
                milestone.Id,
                test.Name,
                TestOutcome.TimedOut,
                TimeSpan.FromSeconds(Limit),
                $"still running after the {Limit} s limit for one test; stopped"));

        private void Record(string displayName, TestResult result)
        {
            _accounted.Add(displayName);
            tally.Record(displayName, result);
        }

        private string NextResultsDirectory() =>
            Path.Combine(_resultsRoot, (_runs++).ToString(CultureInfo.InvariantCulture));

        private void DeleteResults()
        {
            try
            {
                Directory.Delete(_resultsRoot, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing was written.
            }
            catch (IOException)
            {
                // A dying host may hold a file for a moment; the system's temp cleaner gets it.
            }
        }

        /// <summary>The namespace, class and method of a listed test (its display name less theory arguments).</summary>
        private static string FullyQualifiedNameOf(string displayName)
        {
            var paren = displayName.IndexOf('(', StringComparison.Ordinal);
            return paren < 0 ? displayName : displayName[..paren];
        }

        /// <summary>What the dying host said about why: from its first fatal line, else the end of the output.</summary>
        private static string CrashReport(string output)
        {
            var lines = output.Split('\n');
            var fatal = Array.FindIndex(lines, line =>
                line.Contains("Process terminated", StringComparison.Ordinal)
                || line.Contains("Stack overflow", StringComparison.Ordinal)
                || line.Contains("Unhandled exception", StringComparison.Ordinal));
            return fatal < 0 ? Tail(output) : string.Join('\n', lines.Skip(fatal).Take(8)).Trim();
        }
    }
}
