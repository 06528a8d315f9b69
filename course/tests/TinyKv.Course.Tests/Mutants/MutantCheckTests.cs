using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

public sealed class MutantCheckTests : IDisposable
{
    private static readonly CourseManifest s_manifest = CourseManifest.LoadFrom(CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory));
    private static readonly MutantSpec s_staleRead = Mutant("stale-read", "2B");
    private static readonly MutantSpec s_noTermCheck = Mutant("no-term-check", "2B");
    private static readonly MutantSpec s_keepsOldData = Mutant("snapshot-keeps-old-data", "2C");

    private readonly FakeWorkspace _workspace = new();
    private readonly FakeMutantRunner _runner;

    public MutantCheckTests()
    {
        _runner = new FakeMutantRunner(_workspace)
            .Tests("2B", "Basic.OnePartition", "Basic.Persist", "Basic.Unreliable")
            .Tests("2C", "Snapshot.OneSnapshot", "Snapshot.Recover");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void A_mutant_that_fails_a_test_is_caught_by_that_test()
    {
        _runner.Ends("stale-read", 1, "Basic.Persist").Ends("stale-read", 1, "Basic.OnePartition", TestOutcome.TimedOut);

        var verdict = Check([s_staleRead], 1).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.Caught);
        verdict.CatchingTests.Should().Equal("Basic.OnePartition", "Basic.Persist");
        verdict.TestsRun.Should().Be(3);
    }

    [Fact]
    public void One_failing_result_among_several_under_one_name_catches_the_mutant()
    {
        _runner.Ends("stale-read", 1, "Basic.Persist").WithPassingSecondCase("Basic.Persist");

        var verdict = Check([s_staleRead], 1).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.Caught);
        verdict.CatchingTests.Should().Equal("Basic.Persist");
    }

    [Fact]
    public void A_mutant_every_test_passes_on_survives()
    {
        var report = Check([s_staleRead], 1);

        report.Verdicts.Single().Outcome.Should().Be(MutantOutcome.Survived);
        report.AllCaught.Should().BeFalse();
    }

    [Fact]
    public void A_failure_under_any_one_seed_catches_the_mutant()
    {
        _runner.Ends("stale-read", 3, "Basic.Unreliable", TestOutcome.Crashed);

        var verdict = Check([s_staleRead], 3).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.Caught);
        verdict.CatchingTests.Should().Equal("Basic.Unreliable");
        verdict.Seeds.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void A_test_failing_on_the_unchanged_reference_does_not_catch_and_is_reported()
    {
        _runner.Ends(null, 1, "Basic.Unreliable").Ends("stale-read", 1, "Basic.Unreliable");

        var report = Check([s_staleRead], 1);

        report.Verdicts.Single().Outcome.Should().Be(MutantOutcome.Survived);
        report.ControlProblems.Should().Equal("2B: Basic.Unreliable does not pass on the unchanged reference under seed 1, so it cannot catch a mutant there");
        report.AllCaught.Should().BeFalse();
    }

    [Fact]
    public void The_reference_and_each_mutant_are_built_and_run_under_every_seed_and_each_patch_is_taken_out_again()
    {
        Check([s_keepsOldData, s_staleRead], 2);

        _runner.Calls.Should().Equal(
            "build reference (reference): 2B 2C",
            "list Milestone=2B on reference",
            "run Milestone=2B on reference under seed 1",
            "run Milestone=2B on reference under seed 2",
            "list Milestone=2C on reference",
            "run Milestone=2C on reference under seed 1",
            "run Milestone=2C on reference under seed 2",
            "build snapshot-keeps-old-data (reference): 2C",
            "run Milestone=2C on snapshot-keeps-old-data under seed 1",
            "run Milestone=2C on snapshot-keeps-old-data under seed 2",
            "build stale-read (reference): 2B",
            "run Milestone=2B on stale-read under seed 1",
            "run Milestone=2B on stale-read under seed 2");
        _workspace.Calls.Should().Equal("plant snapshot-keeps-old-data", "remove snapshot-keeps-old-data", "plant stale-read", "remove stale-read");
    }

    [Fact]
    public void A_stale_patch_is_not_built_and_the_next_mutant_still_runs()
    {
        _workspace.StalePatch("stale-read");
        _runner.Ends("no-term-check", 1, "Basic.OnePartition");

        var report = Check([s_staleRead, s_noTermCheck], 1);

        report.Verdicts.Select(v => v.Outcome).Should().Equal(MutantOutcome.StalePatch, MutantOutcome.Caught);
        report.Verdicts[0].Detail.Should().Contain("patch does not apply");
        _runner.Calls.Should().NotContain(call => call.StartsWith("build stale-read", StringComparison.Ordinal));
        _workspace.Calls.Should().Equal("plant stale-read", "plant no-term-check", "remove no-term-check");
    }

    [Fact]
    public void A_mutant_that_does_not_build_is_not_caught_and_its_patch_is_taken_out()
    {
        _runner.FailsToBuild("stale-read");

        var verdict = Check([s_staleRead], 1).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.DoesNotBuild);
        verdict.Detail.Should().Contain("error CS1002");
        _workspace.Calls.Should().Equal("plant stale-read", "remove stale-read");
    }

    [Fact]
    public void When_the_unchanged_reference_does_not_build_no_mutant_is_planted()
    {
        _runner.FailsToBuild(null);

        var report = Check([s_staleRead], 1);

        report.Verdicts.Should().BeEmpty();
        report.ControlProblems.Should().ContainSingle().Which.Should().StartWith("the unchanged reference does not build:");
        report.AllCaught.Should().BeFalse();
        _workspace.Calls.Should().BeEmpty();
    }

    [Fact]
    public void Every_mutant_caught_on_a_clean_reference_is_a_success()
    {
        _runner.Ends("stale-read", 1, "Basic.Persist").Ends("snapshot-keeps-old-data", 1, "Snapshot.OneSnapshot");

        var report = Check([s_staleRead, s_keepsOldData], 1);

        report.AllCaught.Should().BeTrue();
        report.Caught.Should().Be(2);
        report.NotCaught.Should().Be(0);
    }

    [Fact]
    public void Stopping_at_the_first_catch_ends_the_run_and_the_seeds_there_and_names_that_test()
    {
        _runner.Ends("stale-read", 1, "Basic.Persist").Ends("stale-read", 1, "Basic.Unreliable");

        var verdict = Check([s_staleRead], 2, stopAtFirstCatch: true).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.Caught);
        verdict.StoppedAtFirstCatch.Should().BeTrue();
        verdict.CatchingTests.Should().Equal("Basic.Persist");
        verdict.TestsRun.Should().Be(3);
        _runner.Calls.Should().EndWith(["run Milestone=2B on stale-read under seed 1", "stopped at Basic.Persist"]);
        _workspace.Calls.Should().Equal("plant stale-read", "remove stale-read");
    }

    [Fact]
    public void Stopping_at_the_first_catch_does_not_stop_at_a_test_that_fails_on_the_reference_too()
    {
        _runner.Ends(null, 1, "Basic.OnePartition").Ends("stale-read", 1, "Basic.OnePartition").Ends("stale-read", 2, "Basic.Unreliable", TestOutcome.TimedOut);

        var verdict = Check([s_staleRead], 2, stopAtFirstCatch: true).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.Caught);
        verdict.CatchingTests.Should().Equal("Basic.Unreliable");
        _runner.Calls.Should().EndWith(["run Milestone=2B on stale-read under seed 1", "run Milestone=2B on stale-read under seed 2", "stopped at Basic.Unreliable"]);
    }

    [Fact]
    public void A_survivor_runs_every_test_under_every_seed_when_stopping_at_the_first_catch()
    {
        var verdict = Check([s_staleRead], 2, stopAtFirstCatch: true).Verdicts.Single();

        verdict.Outcome.Should().Be(MutantOutcome.Survived);
        verdict.StoppedAtFirstCatch.Should().BeFalse();
        _runner.Calls.Should().EndWith(["run Milestone=2B on stale-read under seed 1", "run Milestone=2B on stale-read under seed 2"]);
    }

    private MutantReport Check(IReadOnlyList<MutantSpec> mutants, int seeds, bool stopAtFirstCatch = false) =>
        new MutantCheck(s_manifest, _workspace, _runner) { StopAtFirstCatch = stopAtFirstCatch }.Run(mutants, [.. Enumerable.Range(1, seeds)]);

    private static MutantSpec Mutant(string id, string milestone) =>
        new(id, $"the {id} bug", milestone, $"/repo/course/mutants/{id}.patch");
}
