using FluentAssertions;
using Xunit;
using Xunit.Sdk;

namespace TinyKv.Transaction.Scenarios;

/// <summary>
/// The scenarios' own test: on a store whose prewrite skips the write-conflict check
/// (<see cref="WeakenedPrewriteTransport"/>), the graded checks must fail, for every seed the
/// graded tests use. Not graded: it tests the test suite, not a student's code.
/// </summary>
public sealed class WeakenedPrewriteTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_lost_update_check_catches_a_prewrite_without_the_conflict_check(int seed)
    {
        var outcome = LostUpdateScenario.Run(seed, PrewriteKind.WithoutConflictCheck);

        LostUpdateScenario.Anomalies(outcome).Should().NotBeEmpty();
        FluentActions.Invoking(() => LostUpdateTests.Check(outcome)).Should().Throw<XunitException>();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_read_skew_check_catches_a_prewrite_without_the_conflict_check(int seed)
    {
        var outcome = ReadSkewScenario.Run(seed, PrewriteKind.WithoutConflictCheck);

        ReadSkewScenario.Anomalies(outcome).Should().NotBeEmpty();
        FluentActions.Invoking(() => ReadSkewTests.Check(outcome)).Should().Throw<XunitException>();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_bank_check_catches_a_prewrite_without_the_conflict_check(int seed)
    {
        var outcome = BankScenario.Run(seed, PrewriteKind.WithoutConflictCheck);

        BankScenario.Anomalies(outcome).Should().NotBeEmpty();
    }

    [Fact]
    public void A_reader_sees_half_a_transfer_on_the_weakened_store()
    {
        // The read-skew check fails on reads taken during the run, not only on the final state.
        var outcome = ReadSkewScenario.Run(1, PrewriteKind.WithoutConflictCheck);

        outcome.Reads.Should().Contain(r => r.X + r.Y != ReadSkewScenario.Total);
    }
}
