using System.Diagnostics;
using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// The runner against a fixture project (course/tests/fixtures/Fixture.Tests) holding one test
/// of every outcome: a hang and a crash each cost one test, and every other test still gets
/// its result. Runs real <c>dotnet</c> processes: about half a minute.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DotnetTestRunnerTests
{
    private const string FixtureProject = "course/tests/fixtures/Fixture.Tests/Fixture.Tests.csproj";
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private static readonly MilestoneSpec s_fixture = new("1", "Fixture", 1, 6, 5, true, [FixtureProject], []);

    [Fact]
    public void Every_outcome_is_recorded_and_a_hang_or_a_crash_costs_one_test()
    {
        var runner = new DotnetTestRunner(s_root);
        var progress = new RecordingProgress();
        var build = runner.Build([s_fixture], BuildSettings.AsIs);
        build.Succeeded.Should().BeTrue(build.Output);

        var stopwatch = Stopwatch.StartNew();
        var run = runner.Run(s_fixture, BuildSettings.AsIs, progress);

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
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void A_hung_theory_case_does_not_keep_its_sibling_cases_from_running()
    {
        var theories = s_fixture with { Id = "2AA" };
        var runner = new DotnetTestRunner(s_root);
        runner.Build([theories], BuildSettings.AsIs).Succeeded.Should().BeTrue();

        var run = runner.Run(theories, BuildSettings.AsIs);

        run.Tests.Select(t => (t.Name, t.Outcome)).Should().Equal(
            ("Theories.Case(number: 1, label: \"a\")", TestOutcome.Passed),
            ("Theories.Case(number: 2, label: \"b (x=y)\")", TestOutcome.TimedOut),
            ("Theories.Case(number: 3, label: \"c\")", TestOutcome.Passed));
        run.Problems.Should().BeEmpty();
    }

    [Fact]
    public void A_milestone_without_tests_is_a_problem_not_a_pass()
    {
        var empty = s_fixture with { Id = "2AB" };
        var runner = new DotnetTestRunner(s_root);
        runner.Build([empty], BuildSettings.AsIs).Succeeded.Should().BeTrue();

        var run = runner.Run(empty, BuildSettings.AsIs);

        run.Total.Should().Be(0);
        run.Problems.Should().ContainSingle().Which.Should().Contain("Milestone(\"2AB\")");
    }

    [Fact]
    public void A_test_project_that_does_not_exist_is_a_problem()
    {
        var missing = s_fixture with { TestProjects = ["course/tests/fixtures/Nope/Nope.csproj"] };

        var run = new DotnetTestRunner(s_root).Run(missing, BuildSettings.AsIs);

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
