using FluentAssertions;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// The bank under concurrent transfers, audits and crashed clients: money is never created or
/// lost, whatever the interleaving. <c>TINYKV_BANK_SEEDS=200</c> (or <c>TINYKV_SCENARIO_SEEDS</c>)
/// runs 200 seeds from <c>TINYKV_SEED</c> on in <see cref="Bank_keeps_its_total_over_many_seeds"/>.
/// </summary>
[Milestone("4C")]
public sealed class BankTests(ITestOutputHelper output)
{
    public const string SeedsVariable = "TINYKV_BANK_SEEDS";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_audit_and_the_final_count_see_the_same_total(int seed)
    {
        var outcome = BankScenario.Run(seed);
        output.WriteLine(outcome.ToString());

        BankScenario.Anomalies(outcome).Should().BeEmpty(outcome.ToString());
        outcome.Audits.Should().NotBeEmpty("audits must have run for the check to mean anything");
        outcome.Transfers.Should().BePositive("transfers must have committed");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Locks_of_crashed_clients_are_rolled_forward_and_back_by_the_others(int seed)
    {
        var outcome = BankScenario.Run(seed);

        outcome.Crashes.Should().BeGreaterThanOrEqualTo(2);
        outcome.Count("KvCheckTxnStatus").Should().BePositive();
        outcome.Count("KvResolveLock(commit)").Should().BePositive("a crash after the primary's commit leaves secondaries to roll forward");
        outcome.Count("KvResolveLock(rollback)").Should().BePositive("a crash after prewrite leaves locks to roll back once they expire");
        BankScenario.Anomalies(outcome).Should().BeEmpty();
    }

    [Fact]
    [Simulated]
    public void The_same_seed_gives_the_same_history()
    {
        var first = BankScenario.Run(TestSeed.Value).Scheduler.HistoryText;
        var second = BankScenario.Run(TestSeed.Value).Scheduler.HistoryText;
        var other = BankScenario.Run(unchecked(TestSeed.Value + 1)).Scheduler.HistoryText;

        second.Should().Be(first);
        other.Should().NotBe(first, "a different seed should interleave differently");
    }

    [Fact]
    [Simulated]
    public void Bank_keeps_its_total_over_many_seeds()
    {
        var count = Scenario.SeedCount(fallback: 3, SeedsVariable);
        var failures = new List<string>();
        var steps = 0;
        foreach (var seed in Scenario.Seeds(count))
        {
            try
            {
                var outcome = BankScenario.Run(seed);
                steps = Math.Max(steps, outcome.Scheduler.Steps);
                if (BankScenario.Anomalies(outcome) is [var first, ..])
                {
                    failures.Add($"{outcome}: {first}");
                }
            }
            catch (Exception ex) when (ex is not TodoException)
            {
                failures.Add($"seed {seed}: {ex.Message}");
            }
        }

        output.WriteLine($"{count} seeds from {TestSeed.Value}, longest run {steps} steps, {failures.Count} failed");
        failures.Should().BeEmpty($"every seed must keep the total (replay one with {TestSeed.Variable}=<seed> {SeedsVariable}=1)");
    }
}
