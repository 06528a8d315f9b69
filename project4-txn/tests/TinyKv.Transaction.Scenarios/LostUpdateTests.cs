using FluentAssertions;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace TinyKv.Transaction.Scenarios;

/// <summary>Concurrent increments of one counter: every committed increment counts, none is lost.</summary>
[Milestone("4C")]
public sealed class LostUpdateTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void No_committed_increment_is_lost(int seed)
    {
        var outcome = LostUpdateScenario.Run(seed);
        output.WriteLine(outcome.ToString());

        Check(outcome);
    }

    [Fact]
    [Simulated]
    public void No_increment_is_lost_over_many_seeds()
    {
        var count = Scenario.SeedCount(fallback: 3);
        foreach (var seed in Scenario.Seeds(count))
        {
            Check(LostUpdateScenario.Run(seed));
        }
    }

    /// <summary>The graded check: no two commits read the same value and the counter counts every commit.</summary>
    internal static void Check(LostUpdateOutcome outcome)
    {
        LostUpdateScenario.Anomalies(outcome).Should().BeEmpty(outcome.ToString());
        outcome.Refusals.Should().BePositive("the clients start together, so some commits must be refused: {0}", outcome);
        outcome.Commits.Should().HaveCount(LostUpdateScenario.Clients * LostUpdateScenario.IncrementsPerClient, "every increment eventually commits: {0}", outcome);
    }
}
