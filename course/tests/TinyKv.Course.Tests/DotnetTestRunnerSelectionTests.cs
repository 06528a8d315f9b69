using FluentAssertions;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>The runner on a selection of the fixture's simulated tests, under a seed.</summary>
[Trait("Category", "Integration")]
public sealed class DotnetTestRunnerSelectionTests
{
    [Fact]
    public void Simulated_tests_of_several_milestones_are_listed_and_run_in_one_run_under_the_seed_given()
    {
        // Generous limits: nothing here hangs, and a loaded machine must not turn a pass into a timeout.
        var milestones = new[] { RunnerFixture.Milestone with { Id = "2AC", TestTimeLimitSeconds = 30 }, RunnerFixture.Milestone with { Id = "2B", TestTimeLimitSeconds = 20 } };
        var runner = RunnerFixture.BuiltRunner();

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
        var milestone = RunnerFixture.Milestone with { Id = "2AC", TestTimeLimitSeconds = 30 };
        var runner = RunnerFixture.BuiltRunner();

        var listing = runner.List(new TestSelection([milestone], TestTrait.Simulated, "Fixture.Tests.Seeded.Passes_under_every_seed"), BuildSettings.AsIs);
        var run = runner.Run(listing, new Dictionary<string, string> { ["TINYKV_SEED"] = "4" });

        listing.Tests.Should().ContainSingle().Which.Name.Should().Be("Seeded.Passes_under_every_seed");
        run.Tests.Should().ContainSingle().Which.Outcome.Should().Be(TestOutcome.Passed);
    }
}
