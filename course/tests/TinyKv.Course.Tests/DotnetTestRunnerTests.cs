using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>
/// The runner against a fixture project holding one test of every outcome: a hang and a crash
/// each cost one test, and every other test still gets its result.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DotnetTestRunnerTests
{
    private static readonly string s_root = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);

    private static readonly MilestoneSpec s_fixture = new(
        "1", "Fixture", 1, 6, 5, true, ["course/tests/fixtures/Fixture.Tests/Fixture.Tests.csproj"], []);

    [Fact]
    public void Every_outcome_is_recorded_and_a_hang_or_crash_costs_one_test()
    {
        var runner = new DotnetTestRunner(s_root);

        runner.Build([s_fixture], BuildSettings.AsIs).Succeeded.Should().BeTrue();
        var run = runner.Run(s_fixture, BuildSettings.AsIs);

        run.Tests.Select(t => (t.Name, t.Outcome)).Should().Equal(
            ("Outcomes.A_passes", TestOutcome.Passed),
            ("Outcomes.B_fails", TestOutcome.Failed),
            ("Outcomes.C_is_not_started", TestOutcome.NotStarted),
            ("Outcomes.D_hangs", TestOutcome.TimedOut),
            ("Outcomes.E_crashes", TestOutcome.Crashed),
            ("Outcomes.F_passes_too", TestOutcome.Passed));
        run.Tests.Single(t => t.Name == "Outcomes.C_is_not_started").Output.Should().Contain("TODO(1): fixture stub");
        run.Score.Should().Be(2);
    }

    [Fact]
    public void A_milestone_without_tests_is_a_problem_not_a_pass()
    {
        var empty = s_fixture with { Id = "2AA" };
        var runner = new DotnetTestRunner(s_root);
        runner.Build([empty], BuildSettings.AsIs).Succeeded.Should().BeTrue();

        var run = runner.Run(empty, BuildSettings.AsIs);

        run.Total.Should().Be(0);
        run.Problems.Should().ContainSingle().Which.Should().Contain("Milestone(\"2AA\")");
    }
}
