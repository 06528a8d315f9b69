using HdrHistogram;

namespace TinyKv.Bench.Measurement;

/// <summary>
/// The latency of a run's successful operations, in microseconds: percentiles from an
/// HdrHistogram (three significant digits), the mean and the largest.
/// </summary>
public sealed record LatencySummary(long Count, double MeanMicros, long P50Micros, long P90Micros, long P99Micros, long P999Micros, long MaxMicros)
{
    /// <summary>The largest latency a histogram records; longer ones are recorded as this.</summary>
    public const long HighestTrackableMicros = 3_600_000_000;

    /// <summary>No operation succeeded.</summary>
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>A histogram for one client's latencies, in microseconds.</summary>
    public static LongHistogram NewHistogram() => new(HighestTrackableMicros, 3);

    /// <summary>Records <paramref name="micros"/> in <paramref name="histogram"/>, clamped to what it can hold.</summary>
    public static void Record(LongHistogram histogram, long micros)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.RecordValue(Math.Clamp(micros, 0, HighestTrackableMicros));
    }

    /// <summary>The summary of every value recorded in <paramref name="histograms"/> together.</summary>
    public static LatencySummary Of(IEnumerable<LongHistogram> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        var all = NewHistogram();
        foreach (var histogram in histograms)
        {
            all.Add(histogram);
        }

        return all.TotalCount == 0
            ? Empty
            : new LatencySummary(
                all.TotalCount,
                all.GetMean(),
                all.GetValueAtPercentile(50),
                all.GetValueAtPercentile(90),
                all.GetValueAtPercentile(99),
                all.GetValueAtPercentile(99.9),
                all.GetMaxValue());
    }
}
