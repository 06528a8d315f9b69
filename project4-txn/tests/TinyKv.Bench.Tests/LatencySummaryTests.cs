using FluentAssertions;
using TinyKv.Bench.Measurement;
using Xunit;

namespace TinyKv.Bench.Tests;

/// <summary>Latency percentiles come out of the clients' histograms merged together.</summary>
public sealed class LatencySummaryTests
{
    [Fact]
    public void Percentiles_of_one_to_a_thousand_microseconds_are_exact()
    {
        var histogram = LatencySummary.NewHistogram();
        for (var micros = 1; micros <= 1000; micros++)
        {
            LatencySummary.Record(histogram, micros);
        }

        var summary = LatencySummary.Of([histogram]);

        summary.Should().Be(new LatencySummary(1000, 500.5, 500, 900, 990, 999, 1000));
    }

    [Fact]
    public void Histograms_of_several_clients_are_merged()
    {
        var fast = LatencySummary.NewHistogram();
        var slow = LatencySummary.NewHistogram();
        for (var i = 0; i < 99; i++)
        {
            LatencySummary.Record(fast, 100);
        }

        LatencySummary.Record(slow, 1000);

        var summary = LatencySummary.Of([fast, slow]);

        summary.Count.Should().Be(100);
        summary.P50Micros.Should().Be(100);
        summary.P99Micros.Should().Be(100);
        summary.P999Micros.Should().Be(1000);
        summary.MaxMicros.Should().Be(1000);
    }

    [Fact]
    public void No_successful_operation_gives_the_empty_summary()
    {
        LatencySummary.Of([LatencySummary.NewHistogram()]).Should().Be(LatencySummary.Empty);
    }

    [Fact]
    public void A_latency_beyond_the_histogram_is_recorded_at_its_limit()
    {
        var histogram = LatencySummary.NewHistogram();

        LatencySummary.Record(histogram, long.MaxValue);
        LatencySummary.Record(histogram, -5);

        histogram.TotalCount.Should().Be(2);
        LatencySummary.Of([histogram]).MaxMicros.Should().BeGreaterThanOrEqualTo(LatencySummary.HighestTrackableMicros);
    }
}
