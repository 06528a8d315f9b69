using FluentAssertions;
using TinyKv.Scheduler.Storage;
using TinyKv.Scheduler.Tso;
using Xunit;

namespace TinyKv.Scheduler.Tests.Tso;

/// <summary>The timestamp oracle: strictly increasing, across restarts and clocks that step back.</summary>
public sealed class TimestampOracleTests
{
    private readonly ManualClock _clock = new() { UnixMillis = 1_700_000_000_000 };
    private readonly MemoryKv _kv = new();

    [Fact]
    public void Timestamps_compose_physical_and_logical_parts()
    {
        var ts = new Timestamp(5, 3);

        ts.Compose().Should().Be((5UL << 18) | 3UL);
        Timestamp.FromComposed(ts.Compose()).Should().Be(ts);
    }

    [Fact]
    public void Timestamps_increase_strictly_within_a_millisecond()
    {
        var oracle = Start();

        var first = oracle.GetTimestamp();
        var second = oracle.GetTimestamp();
        var batch = oracle.GetTimestamp(10);

        second.Should().BeGreaterThan(first);
        batch.Logical.Should().Be(second.Logical + 10, "a batch of ten reserves ten logical values");
        first.Physical.Should().Be(_clock.UnixMillis);
    }

    [Fact]
    public void The_physical_part_follows_the_clock_forward_but_never_back()
    {
        var oracle = Start();
        var before = oracle.GetTimestamp();

        _clock.UnixMillis += 100;
        oracle.UpdateTimestamp();
        var later = oracle.GetTimestamp();
        later.Physical.Should().Be(_clock.UnixMillis);

        _clock.UnixMillis -= 10_000;
        oracle.UpdateTimestamp();
        oracle.GetTimestamp().Should().BeGreaterThan(later, "a clock that steps back changes nothing");
        later.Should().BeGreaterThan(before);
    }

    [Fact]
    public void The_saved_bound_stays_ahead_and_is_not_written_on_every_request()
    {
        var oracle = Start();
        var saves = _kv.SaveCount;

        for (var i = 0; i < 20; i++)
        {
            _clock.UnixMillis += 50;
            oracle.UpdateTimestamp();
            var ts = oracle.GetTimestamp();
            ts.Physical.Should().BeLessThan(oracle.SavedBound);
        }

        (_kv.SaveCount - saves).Should().BeLessThanOrEqualTo(1, "one second of updates stays under a bound saved three seconds ahead");
    }

    [Fact]
    public void A_restarted_oracle_starts_above_every_timestamp_handed_out_even_if_the_clock_went_back()
    {
        var oracle = Start();
        Timestamp last = default;
        for (var i = 0; i < 100; i++)
        {
            _clock.UnixMillis += 30;
            oracle.UpdateTimestamp();
            last = oracle.GetTimestamp();
        }

        _clock.UnixMillis -= 60_000;
        var restarted = Start();

        restarted.GetTimestamp().Should().BeGreaterThan(last);
    }

    [Fact]
    public void Using_up_the_logical_space_moves_to_the_next_millisecond()
    {
        var oracle = Start();
        var previous = oracle.GetTimestamp();

        for (var i = 0; i < 5; i++)
        {
            var next = oracle.GetTimestamp((uint)(Timestamp.MaxLogical / 2));
            next.Should().BeGreaterThan(previous);
            next.Logical.Should().BeLessThan(Timestamp.MaxLogical);
            next.Physical.Should().BeLessThan(oracle.SavedBound);
            previous = next;
        }
    }

    [Fact]
    public void Timestamps_before_initialize_are_refused()
    {
        var oracle = new TimestampOracle(new SchedulerStorage(_kv), _clock);

        var get = () => oracle.GetTimestamp();

        get.Should().Throw<InvalidOperationException>().WithMessage("*Initialize*");
    }

    private TimestampOracle Start()
    {
        var oracle = new TimestampOracle(new SchedulerStorage(_kv), _clock);
        oracle.Initialize();
        return oracle;
    }

    private sealed class ManualClock : IPhysicalClock
    {
        public long UnixMillis { get; set; }
    }
}
