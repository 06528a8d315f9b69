using System.Globalization;

namespace TinyKv.Course.Running;

/// <summary>The runs of a set of listed tests, with their recovery from hangs and crashes.</summary>
public sealed partial class DotnetTestRunner
{
    /// <summary>
    /// The tests one run covers (possibly in several assemblies), the filter that selects them
    /// all, and the environment their processes get.
    /// </summary>
    /// <param name="label">What problems are reported against: the test project, or the projects.</param>
    private sealed class RunPlan(string label, string filter, IReadOnlyList<ListedTest> tests, IReadOnlyDictionary<string, string> environment)
    {
        private readonly Dictionary<string, ListedTest> _byDisplayName = tests
            .DistinctBy(t => t.DisplayName, StringComparer.Ordinal)
            .ToDictionary(t => t.DisplayName, StringComparer.Ordinal);

        public string Label => label;

        public string Filter => filter;

        public IReadOnlyList<ListedTest> Tests => tests;

        public IReadOnlyDictionary<string, string> Environment => environment;

        public IReadOnlyList<string> Assemblies { get; } = [.. tests.Select(t => t.Assembly).Distinct(StringComparer.Ordinal)];

        /// <summary>
        /// The blame collector's time limit for a run of several tests: the longest of their
        /// milestones' limits (one limit serves the whole run; <see cref="LimitOf"/> holds each
        /// test to its own).
        /// </summary>
        public int HangSeconds { get; } = tests.Max(t => t.Milestone.TestTimeLimitSeconds);

        /// <summary>The listed test of that display name, if the listing has it.</summary>
        public ListedTest? Find(string displayName) => _byDisplayName.GetValueOrDefault(displayName);

        /// <summary>The time limit of a test: its milestone's; the run's when the listing does not know it.</summary>
        public int LimitOf(string displayName) => Find(displayName)?.Milestone.TestTimeLimitSeconds ?? HangSeconds;

        /// <summary>The milestone a result counts for; the first test's when the listing does not know it.</summary>
        public string MilestoneOf(string displayName) => (Find(displayName) ?? tests[0]).Milestone.Id;
    }

    /// <summary>
    /// The runs of a plan: a run of every test not yet accounted for, and after a hang or crash,
    /// the suspects alone, again and again until every test has a result, or until
    /// <paramref name="stopAt"/> asks to stop at a test that did not pass (then
    /// <paramref name="stop"/> is cancelled, which kills the host of the run under way).
    /// </summary>
    private sealed class PlanRun(
        RunPlan plan,
        VsTestCommand vstest,
        Tally tally,
        List<string> problems,
        Func<TestResult, bool>? stopAt,
        CancellationTokenSource stop)
    {
        private readonly HashSet<string> _accounted = new(StringComparer.Ordinal);
        private readonly Lock _stopGate = new();
        private (string DisplayName, TestResult Result)? _stoppedAt;
        // The hosts' results and their temporary folder (TMPDIR, TMP, TEMP): a host killed at a
        // hang, a crash or a stop cannot delete what its tests put there, so everything goes with
        // the run. The name is short because the runtime puts its diagnostic sockets there, and a
        // socket's path has a limit of about a hundred characters.
        private readonly string _resultsRoot = Path.Combine(Path.GetTempPath(), "tk" + Guid.NewGuid().ToString("N")[..8]);
        private IReadOnlyDictionary<string, string>? _hostEnvironment;
        private int _runs;

        /// <summary>The plan's environment, with the run's own temporary folder.</summary>
        private IReadOnlyDictionary<string, string> HostEnvironment => _hostEnvironment ??= new Dictionary<string, string>(plan.Environment, StringComparer.Ordinal)
        {
            ["TMPDIR"] = _resultsRoot,
            ["TMP"] = _resultsRoot,
            ["TEMP"] = _resultsRoot,
        };

        public void Execute()
        {
            try
            {
                Directory.CreateDirectory(_resultsRoot);
                // Every pass accounts for at least one test or stops, so this bound is never the reason to stop.
                for (var pass = 0; pass <= plan.Tests.Count + 1; pass++)
                {
                    var before = _accounted.Count;
                    if (!RunRemaining() || _accounted.Count == before || stop.IsCancellationRequested)
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
            var remaining = plan.Tests.Count(t => !_accounted.Contains(t.DisplayName));
            var watchdog = WatchdogFor(plan.HangSeconds, Math.Max(remaining, 1));
            var run = vstest.Execute(
                [.. plan.Tests.Where(t => !_accounted.Contains(t.DisplayName)).Select(t => t.Assembly).Distinct(StringComparer.Ordinal)],
                VsTestFilter.Except(plan.Filter, _accounted),
                plan.HangSeconds,
                NextResultsDirectory(),
                watchdog,
                HostEnvironment,
                OnFinished,
                stop.Token);
            RecordAll(run.Results);
            switch (run.End)
            {
                case TestHostEnd.Stopped:
                    // Killed at the failure the caller was waiting for: what came before it is
                    // recorded, that failure is, and the rest stay without a result.
                    if (_stoppedAt is { } stoppedAt && !_accounted.Contains(stoppedAt.DisplayName))
                    {
                        Record(stoppedAt.DisplayName, stoppedAt.Result);
                    }

                    return false;
                case TestHostEnd.Completed:
                    if (run.Results.Count == 0 && _accounted.Count == 0)
                    {
                        problems.Add($"{plan.Label}: vstest listed {plan.Tests.Count} tests but reported none:\n{Tail(run.Output)}");
                    }

                    return false;
                case TestHostEnd.Watchdog:
                    problems.Add($"{plan.Label}: the test run passed its overall limit of {watchdog.TotalSeconds:0} s and was stopped");
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
                return !stop.IsCancellationRequested;
            }

            if (suspects.Count == 0)
            {
                // The host died before it could say which test it was running: every test left
                // is a suspect.
                suspects = [.. plan.Tests
                    .Where(t => !_accounted.Contains(t.DisplayName))
                    .Select(t => new BlamedTest(FullyQualifiedNameOf(t.DisplayName), t.DisplayName))];
            }

            // Several tests were running at once (a hang stopped them all), or a crash: the blame
            // collector's guess may be the test before the culprit, whose end was never
            // reported. Each suspect alone settles it.
            foreach (var suspect in suspects)
            {
                if (stop.IsCancellationRequested)
                {
                    return false;
                }

                RunAlone(suspect);
            }

            return !stop.IsCancellationRequested;
        }

        private void RunAlone(BlamedTest suspect)
        {
            var assemblies = plan.Find(suspect.DisplayName) is { } listed ? [listed.Assembly] : plan.Assemblies;
            var limit = plan.LimitOf(suspect.DisplayName);
            var run = vstest.Execute(
                assemblies,
                VsTestFilter.Only(plan.Filter, suspect.DisplayName),
                limit,
                NextResultsDirectory(),
                WatchdogFor(limit, 1),
                HostEnvironment);
            RecordAll(run.Results);
            if (_accounted.Contains(suspect.DisplayName))
            {
                return;
            }

            var milestone = plan.MilestoneOf(suspect.DisplayName);
            switch (run.End)
            {
                case TestHostEnd.HangTimeout:
                    RecordTimedOut(suspect);
                    break;
                case TestHostEnd.HostCrashed or TestHostEnd.Watchdog:
                    var output = CrashReport(run.Output);
                    problems.Add($"{suspect.Name} crashed the test host:\n{output}");
                    Record(suspect.DisplayName, new TestResult(milestone, suspect.Name, TestOutcome.Crashed, TimeSpan.Zero, "the test host crashed while this test ran:\n" + output));
                    break;
                default:
                    problems.Add($"{suspect.Name}: run on its own, it reported no result");
                    Record(suspect.DisplayName, new TestResult(milestone, suspect.Name, TestOutcome.Failed, TimeSpan.Zero, "the test reported no result:\n" + Tail(run.Output)));
                    break;
            }
        }

        private void RecordAll(IEnumerable<TrxTest> tests)
        {
            foreach (var test in tests)
            {
                var limit = plan.LimitOf(test.DisplayName);
                if (limit < plan.HangSeconds && test.Duration > TimeSpan.FromSeconds(limit) && test.Outcome is TestOutcome.Passed or TestOutcome.Failed)
                {
                    // The run allowed the longest limit of its milestones; this test's own is shorter.
                    Record(test.DisplayName, TimedOut(test.DisplayName, test.Name));
                    continue;
                }

                Record(test.DisplayName, new TestResult(plan.MilestoneOf(test.DisplayName), test.Name, test.Outcome, test.Duration, test.Output)
                {
                    StandardOutput = test.StandardOutput,
                });
            }
        }

        private void RecordTimedOut(BlamedTest test) => Record(test.DisplayName, TimedOut(test.DisplayName, test.Name));

        private TestResult TimedOut(string displayName, string name)
        {
            var limit = plan.LimitOf(displayName);
            return new TestResult(
                plan.MilestoneOf(displayName),
                name,
                TestOutcome.TimedOut,
                TimeSpan.FromSeconds(limit),
                $"still running after the {limit} s limit for one test; stopped");
        }

        private void Record(string displayName, TestResult result)
        {
            _accounted.Add(displayName);
            tally.Record(displayName, result);
            if (!result.IsPassed)
            {
                ConsiderStopping(displayName, result);
            }
        }

        /// <summary>A console line said a test finished: its result comes later, from the TRX file, unless the run stops at this failure.</summary>
        private void OnFinished(string displayName, bool failed)
        {
            tally.Finished(displayName);
            if (failed)
            {
                var name = plan.Find(displayName)?.Name ?? TrxReport.DisplayName("", displayName);
                ConsiderStopping(displayName, new TestResult(
                    plan.MilestoneOf(displayName),
                    name,
                    TestOutcome.Failed,
                    TimeSpan.Zero,
                    "failed (the run was stopped at this failure, before its message was written)"));
            }
        }

        /// <summary>Stops the run (kills the test host) when <c>stopAt</c> asks to stop at this result.</summary>
        private void ConsiderStopping(string displayName, TestResult result)
        {
            if (stopAt is null)
            {
                return;
            }

            lock (_stopGate)
            {
                if (_stoppedAt is not null || !stopAt(result))
                {
                    return;
                }

                _stoppedAt = (displayName, result);
            }

            stop.Cancel();
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
