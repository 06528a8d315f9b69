using FluentAssertions;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Course.Tests;

/// <summary>The runner on the fixture's theory: a hung case costs that case only.</summary>
[Trait("Category", "Integration")]
public sealed class DotnetTestRunnerTheoryTests
{
    [Fact]
    public void A_hung_theory_case_does_not_keep_its_sibling_cases_from_running()
    {
        var theories = RunnerFixture.Milestone with { Id = "2AA" };
        var runner = RunnerFixture.BuiltRunner();

        var run = runner.Run(theories, BuildSettings.AsIs);

        run.Tests.Select(t => (t.Name, t.Outcome)).Should().Equal(
            ("Theories.Case(number: 1, label: \"a\")", TestOutcome.Passed),
            ("Theories.Case(number: 2, label: \"b (x=y)\")", TestOutcome.TimedOut),
            ("Theories.Case(number: 3, label: \"c\")", TestOutcome.Passed));
        run.Problems.Should().BeEmpty();
    }
}
