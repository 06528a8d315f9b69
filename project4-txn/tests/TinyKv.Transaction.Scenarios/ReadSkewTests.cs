using FluentAssertions;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace TinyKv.Transaction.Scenarios;

/// <summary>Readers of two accounts under concurrent transfers: each read sees whole transfers only.</summary>
[TinyKv.TestKit.Milestone("4C")]
public sealed class ReadSkewTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_reader_sees_the_accounts_add_up(int seed)
    {
        var outcome = ReadSkewScenario.Run(seed);
        output.WriteLine(outcome.ToString());

        Check(outcome);
    }

    [Fact]
    [Simulated]
    public void Every_reader_sees_the_accounts_add_up_over_many_seeds()
    {
        var count = Scenario.SeedCount(fallback: 3);
        foreach (var seed in Scenario.Seeds(count))
        {
            Check(ReadSkewScenario.Run(seed));
        }
    }

    /// <summary>The graded check: every read and the final state add up to the total.</summary>
    internal static void Check(ReadSkewOutcome outcome)
    {
        ReadSkewScenario.Anomalies(outcome).Should().BeEmpty(outcome.ToString());
        outcome.Reads.Should().HaveCount(ReadSkewScenario.Readers * ReadSkewScenario.ReadsPerReader, "every read must complete: {0}", outcome);
        outcome.Transfers.Should().BePositive("transfers must commit for the reads to mean anything: {0}", outcome);
    }
}
