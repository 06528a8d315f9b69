using FluentAssertions;
using TinyKv.Client;
using TinyKv.TestKit.Transactions;
using TinyKv.Transaction.Mvcc;
using Xunit;

namespace TinyKv.Transaction.Scenarios;

/// <summary>The timestamp oracle over a simulated clock. Not graded: it tests the client.</summary>
public sealed class ClockOracleTests
{
    private readonly ManualClock _clock = new(1000);

    [Fact]
    public void Timestamps_are_physical_milliseconds_shifted_left_18_bits_plus_a_counter()
    {
        var oracle = new ClockOracle(() => _clock.NowMilliseconds);

        oracle.Next().Should().Be(Timestamp.Compose(1000, 0));
        oracle.Next().Should().Be(Timestamp.Compose(1000, 1));
        ClockOracle.PhysicalShiftBits.Should().Be(Timestamp.PhysicalShiftBits);
    }

    [Fact]
    public void The_counter_starts_again_when_the_clock_moves_on()
    {
        var oracle = new ClockOracle(() => _clock.NowMilliseconds);
        oracle.Next();
        oracle.Next();

        _clock.Advance(5);

        oracle.Next().Should().Be(Timestamp.Compose(1005, 0));
    }

    [Fact]
    public void Timestamps_never_go_backwards_when_the_clock_does()
    {
        var now = 2000UL;
        var oracle = new ClockOracle(() => now);
        var before = oracle.Next();

        now = 1500;

        oracle.Next().Should().BeGreaterThan(before);
        oracle.Next().Should().Be(before + 2);
    }

    [Fact]
    public void A_full_counter_carries_into_the_physical_part()
    {
        var oracle = new ClockOracle(() => 7);
        ulong last = 0;
        for (var i = 0; i < (1 << Timestamp.PhysicalShiftBits) + 1; i++)
        {
            last = oracle.Next();
        }

        Timestamp.Physical(last).Should().Be(8);
        Timestamp.Logical(last).Should().Be(0);
    }

    [Fact]
    public void The_first_timestamp_is_never_zero_even_at_time_zero()
    {
        var oracle = new ClockOracle(() => 0);

        oracle.Next().Should().BePositive();
    }

    [Fact]
    public void The_system_oracle_follows_the_wall_clock()
    {
        var before = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var ts = ClockOracle.System().Next();

        ClockOracle.Physical(ts).Should().BeGreaterThanOrEqualTo(before);
    }
}
