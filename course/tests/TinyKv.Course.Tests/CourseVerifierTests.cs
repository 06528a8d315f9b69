using FluentAssertions;
using TinyKv.Course.Checks;
using TinyKv.Course.Cli;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using Xunit;
using static TinyKv.Course.Running.TestOutcome;

namespace TinyKv.Course.Tests;

public sealed class CourseVerifierTests
{
    private static readonly MilestoneSpec s_one = Milestone("1");
    private static readonly MilestoneSpec s_two = Milestone("2AA");
    private static readonly BuildSettings s_stubsOfOne = new("Student", null);
    private static readonly BuildSettings s_stubsOfTwo = new("Student", "1");

    [Fact]
    public void A_milestone_whose_tests_fail_on_stubs_and_pass_on_the_reference_holds()
    {
        var runner = new FakeRunner()
            .Returns("1", s_stubsOfOne, NotStarted, Failed)
            .Returns("1", CourseVerifier.Reference, Passed, Passed);

        var verdict = new CourseVerifier(runner).Verify([s_one]).Single();

        verdict.Holds.Should().BeTrue();
        verdict.StubRun.NotStarted.Should().Be(1);
        verdict.ReferenceRun!.Passed.Should().Be(2);
    }

    [Fact]
    public void Each_stub_build_runs_at_once_and_the_reference_is_built_once_for_all()
    {
        var runner = new FakeRunner();

        new CourseVerifier(runner).Verify([s_two, s_one]);

        runner.Calls.Should().Equal(
            "build student: 1",
            "run 1 on student",
            "build reference through 1: 1 2AA",
            "run 1 on reference through 1",
            "run 2AA on reference through 1",
            "build reference through 2AA: 2AA",
            "run 2AA on reference through 2AA",
            "build reference: 1 2AA",
            "run 1 on reference",
            "run 2AA on reference");
    }

    [Fact]
    public void Skipping_the_reference_builds_and_runs_only_the_stub_and_done_builds()
    {
        var runner = new FakeRunner()
            .Returns("1", s_stubsOfOne, NotStarted, Failed)
            .Returns("1", s_stubsOfTwo, Passed, Passed);

        var verdict = new CourseVerifier(runner) { SkipReference = true }.Verify([s_one]).Single();

        verdict.Holds.Should().BeTrue();
        verdict.ReferenceRun.Should().BeNull();
        runner.Calls.Should().Equal("build student: 1", "run 1 on student", "build reference through 1: 1", "run 1 on reference through 1");
        VerifyCommand.Describe(verdict).Should().Contain("reference: not run  ok");
    }

    [Fact]
    public void Skipping_the_reference_still_finds_stub_and_done_defects_and_a_test_count_that_differs()
    {
        var runner = new FakeRunner()
            .Returns("1", s_stubsOfOne, Passed)
            .Returns("1", s_stubsOfTwo, Passed, Failed);

        var verdict = new CourseVerifier(runner) { SkipReference = true }.Verify([s_one]).Single();

        verdict.Defects.Should().Equal(
            "Tests.T0 passes on its own stubs",
            "Tests.T1 fails when the reference stops at 1 (Failed): a later milestone's stub is in its path",
            "the stub build has 1 graded tests, the build with the reference through 1 2");
    }

    [Fact]
    public void A_test_that_passes_hangs_or_crashes_on_its_own_stubs_is_a_defect()
    {
        var runner = new FakeRunner()
            .Returns("2AA", s_stubsOfTwo, Passed, TimedOut, Crashed, NotStarted)
            .Returns("2AA", CourseVerifier.Reference, Passed, Passed, Passed, Passed);

        var verdict = new CourseVerifier(runner).Verify([s_two]).Single();

        verdict.Defects.Should().Equal(
            "Tests.T0 passes on its own stubs",
            "Tests.T1 hangs on its stubs",
            "Tests.T2 crashes the test host on its stubs");
    }

    [Fact]
    public void A_test_that_fails_once_its_milestone_is_done_is_a_defect()
    {
        var runner = new FakeRunner()
            .Returns("1", s_stubsOfOne, NotStarted, NotStarted)
            .Returns("1", s_stubsOfTwo, Passed, NotStarted)
            .Returns("1", CourseVerifier.Reference, Passed, Passed);

        var verdict = new CourseVerifier(runner).Verify([s_one]).Single();

        verdict.DoneRun!.Passed.Should().Be(1);
        verdict.Defects.Should().Equal(
            "Tests.T1 fails when the reference stops at 1 (NotStarted): a later milestone's stub is in its path");
    }

    [Fact]
    public void The_last_milestone_has_no_done_build_of_its_own()
    {
        CourseVerifier.DoneSettings(Milestone("4C")).Should().BeNull();
        CourseVerifier.DoneSettings(Milestone("2AB")).Should().Be(new BuildSettings("Student", "2AB"));
    }

    [Fact]
    public void A_test_that_fails_on_the_reference_is_a_defect()
    {
        var runner = new FakeRunner()
            .Returns("1", s_stubsOfOne, NotStarted, NotStarted)
            .Returns("1", CourseVerifier.Reference, Passed, Failed);

        var verdict = new CourseVerifier(runner).Verify([s_one]).Single();

        verdict.Defects.Should().Equal("Tests.T1 fails on the reference (Failed)");
    }

    [Fact]
    public void A_milestone_without_graded_tests_is_a_defect()
    {
        var verdict = new CourseVerifier(new FakeRunner()).Verify([s_one]).Single();

        verdict.Defects.Should().Contain(d => d.StartsWith("no graded tests were found on the stub build", StringComparison.Ordinal));
    }

    [Fact]
    public void A_build_that_does_not_compile_is_a_defect_with_its_errors()
    {
        var runner = new FakeRunner()
            .Returns("1", CourseVerifier.Reference, Passed)
            .FailsToBuild(s_stubsOfOne);

        var verdict = new CourseVerifier(runner).Verify([s_one]).Single();

        verdict.Defects.Should().ContainSingle().Which.Should().Contain("stub build").And.Contain("error CS1002");
        runner.Calls.Should().NotContain("run 1 on student");
    }

    [Fact]
    public void Unavailable_milestones_are_skipped()
    {
        var runner = new FakeRunner();

        var verdicts = new CourseVerifier(runner).Verify([s_one with { Available = false }]);

        verdicts.Should().BeEmpty();
        runner.Calls.Should().BeEmpty();
    }

    [Fact]
    public void The_stubs_of_a_milestone_are_built_on_the_reference_of_the_one_before()
    {
        CourseVerifier.StubSettings(s_one).Should().Be(new BuildSettings("Student", null));
        CourseVerifier.StubSettings(Milestone("2B")).Should().Be(new BuildSettings("Student", "2AC"));
    }

    private static MilestoneSpec Milestone(string id) => new(id, "M" + id, 1, 5, 10, true, ["t.csproj"], []);
}
