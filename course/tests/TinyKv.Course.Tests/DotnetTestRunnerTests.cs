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
    // 15 s per test: generous enough that a passing case never times out while a loaded machine
    // starts the test host, short enough that the hanging cases cost little.
    private static readonly MilestoneSpec s_fixture = new("1", "Fixture", 1, 6, 15, true, [FixtureProject], []);

    [Fact]
    public void Every_outcome_is_recorded_and_a_hang_or_a_crash_costs_one_test()
    {
        var runner = new DotnetTestRunner(s_root);
        var progress = new RecordingProgress();
        var build = runner.Build([s_fixture], BuildSettings.AsIs);
        build.Succeeded.Should().BeTrue(build.Output);

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

    [Fact]
    public void Simulated_tests_of_several_milestones_are_listed_and_run_in_one_run_under_the_seed_given()
    {
        // Generous limits: nothing here hangs, and a loaded machine must not turn a pass into a timeout.
        var milestones = new[] { s_fixture with { Id = "2AC", TestTimeLimitSeconds = 30 }, s_fixture with { Id = "2B", TestTimeLimitSeconds = 20 } };
        var runner = new DotnetTestRunner(s_root);
        runner.Build(milestones, BuildSettings.AsIs).Succeeded.Should().BeTrue();

        var listing = runner.List(new TestSelection(milestones, TestTrait.Simulated), BuildSettings.AsIs);
        var even = runner.Run(listing, new Dictionary<string, string> { ["TINYKV_SEED"] = "2" });
        var odd = runner.Run(listing, new Dictionary<string, string> { ["TINYKV_SEED"] = "3" });

        listing.Problems.Should().BeEmpty();
        listing.Tests.Select(t => (t.Milestone.Id, t.Name)).Should().Equal(
            ("2AC", "Seeded.Fails_under_even_seeds"),
            ("2AC", "Seeded.Passes_under_every_seed"),
            ("2B", "SeededLater.Sees_the_seed"));
        even.Tests.Select(t => (t.Milestone, t.Name, t.Outcome)).Should().Equal(
            ("2AC", "Seeded.Fails_under_even_seeds", TestOutcome.Failed),
            ("2AC", "Seeded.Passes_under_every_seed", TestOutcome.Passed),
            ("2B", "SeededLater.Sees_the_seed", TestOutcome.Passed));
        even.Tests[0].Output.Should().Contain("seed 2 is even");
        odd.Tests.Should().OnlyContain(t => t.Outcome == TestOutcome.Passed).And.HaveCount(3);
    }

    [Fact]
    public void A_selection_of_one_display_name_lists_only_that_test()
    {
        var milestone = s_fixture with { Id = "2AC", TestTimeLimitSeconds = 30 };
        var runner = new DotnetTestRunner(s_root);
        runner.Build([milestone], BuildSettings.AsIs).Succeeded.Should().BeTrue();

        var listing = runner.List(new TestSelection([milestone], TestTrait.Simulated, "Fixture.Tests.Seeded.Passes_under_every_seed"), BuildSettings.AsIs);
        var run = runner.Run(listing, new Dictionary<string, string> { ["TINYKV_SEED"] = "4" });

        listing.Tests.Should().ContainSingle().Which.Name.Should().Be("Seeded.Passes_under_every_seed");
        run.Tests.Should().ContainSingle().Which.Outcome.Should().Be(TestOutcome.Passed);
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
