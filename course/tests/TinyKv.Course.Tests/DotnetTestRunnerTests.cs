using FluentAssertions;
using TinyKv.Course.Running;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// The runner against a fixture project (course/tests/fixtures/Fixture.Tests) holding one test
/// of every outcome: a hang and a crash each cost one test, and every other test still gets
/// its result. Runs real <c>dotnet</c> processes; the runner's tests are split over three
/// classes so that xunit runs them side by side while a hang waits out its time limit.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DotnetTestRunnerTests
{
    [Fact]
    public void Every_outcome_is_recorded_and_a_hang_or_a_crash_costs_one_test()
    {
        var runner = RunnerFixture.BuiltRunner();
        var progress = new RecordingProgress();

        var run = runner.Run(RunnerFixture.Milestone, BuildSettings.AsIs, progress);

        run.Tests.Select(t => (t.Name, t.Outcome)).Should().Equal(
            ("Outcomes.A_passes", TestOutcome.Passed),
            ("Outcomes.B_fails", TestOutcome.Failed),
            ("Outcomes.C_is_not_started", TestOutcome.NotStarted),
            ("Outcomes.D_hangs", TestOutcome.TimedOut),
            ("Outcomes.E_crashes", TestOutcome.Crashed),
            ("Outcomes.F_passes_too", TestOutcome.Passed));
        run.Tests.Single(t => t.Name == "Outcomes.C_is_not_started").Output.Should().Contain("TODO(1): fixture stub");
        run.Tests.Single(t => t.Name == "Outcomes.E_crashes").Output.Should().Contain("fixture crash");
        run.Problems.Should().ContainSingle().Which.Should().Contain("Outcomes.E_crashes crashed the test host");
        run.Score.Should().Be(2);
        progress.Reports.Should().OnlyContain(p => p.Milestone == "1" && p.Total == 6);
        progress.Reports.Select(p => p.Completed).Should().BeInAscendingOrder().And.EndWith(6);
    }

    [Fact]
    public void What_a_crashed_host_left_in_its_temporary_folder_goes_with_the_run()
    {
        var runner = RunnerFixture.BuiltRunner();
        var listing = runner.List(new TestSelection([RunnerFixture.Milestone], DisplayName: "Fixture.Tests.Outcomes.E_crashes"), BuildSettings.AsIs);
        using var dir = new TempDirectory("tinykv-runner-temp");
        var report = dir.Combine("report.txt");

        var run = runner.Run(listing, new Dictionary<string, string> { ["TINYKV_FIXTURE_TEMP_REPORT"] = report });

        run.Tests.Should().ContainSingle().Which.Outcome.Should().Be(TestOutcome.Crashed);
        var left = File.ReadAllText(report);
        Path.GetDirectoryName(left).Should().NotBe(Path.TrimEndingDirectorySeparator(Path.GetTempPath()), "the host must get a temporary folder of its own");
        File.Exists(left).Should().BeFalse("the host's temporary folder goes when the run ends");
        Directory.Exists(Path.GetDirectoryName(left)).Should().BeFalse();
    }

    [Fact]
    public void A_run_asked_to_stop_at_a_failure_stops_there_and_keeps_that_failure()
    {
        // Four of the six fixture tests do not pass (a failure, a stub, a hang, a crash): told to
        // stop at the first of them, whichever the host reaches first, the run reports that one
        // and none of the other three.
        var runner = RunnerFixture.BuiltRunner();
        var listing = runner.List(new TestSelection([RunnerFixture.Milestone]), BuildSettings.AsIs);
        var asked = new List<string>();

        var run = runner.Run(listing, new Dictionary<string, string>(), stopAt: result =>
        {
            lock (asked)
            {
                asked.Add(result.Name);
            }

            return true;
        });

        listing.Tests.Should().HaveCount(6);
        asked.Should().ContainSingle();
        run.Tests.Where(t => !t.IsPassed).Select(t => t.Name).Should().Equal(asked);
        asked[0].Should().BeOneOf("Outcomes.B_fails", "Outcomes.C_is_not_started", "Outcomes.D_hangs", "Outcomes.E_crashes");
    }

    [Fact]
    public void A_milestone_without_tests_is_a_problem_not_a_pass()
    {
        var empty = RunnerFixture.Milestone with { Id = "2AB" };
        var runner = RunnerFixture.BuiltRunner();

        var run = runner.Run(empty, BuildSettings.AsIs);

        run.Total.Should().Be(0);
        run.Problems.Should().ContainSingle().Which.Should().Contain("Milestone(\"2AB\")");
    }

    [Fact]
    public void A_test_project_that_does_not_exist_is_a_problem()
    {
        var missing = RunnerFixture.Milestone with { TestProjects = ["course/tests/fixtures/Nope/Nope.csproj"] };

        var run = new DotnetTestRunner(RunnerFixture.Root).Run(missing, BuildSettings.AsIs);

        run.Total.Should().Be(0);
        run.Problems.Should().ContainSingle().Which.Should().Contain("Nope.csproj");
    }

    /// <summary>Keeps every report, in order, on the thread that reports it (Progress&lt;T&gt; would post them elsewhere).</summary>
    private sealed class RecordingProgress : IProgress<TestProgress>
    {
        private readonly List<TestProgress> _reports = [];

        public IReadOnlyList<TestProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(TestProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
