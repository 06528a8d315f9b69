namespace TinyKv.TestKit.Simulation;

/// <summary>
/// A slow link: adds a delay drawn uniformly from [<see cref="MinMicros"/>, <see cref="MaxMicros"/>]
/// to each message (all its copies alike), from a seeded stream.
/// </summary>
public sealed class DelayFilter : INetworkFilter
{
    private readonly Random _random;

    /// <summary>Delays each message by <paramref name="minMicros"/>..<paramref name="maxMicros"/> more.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or empty.</exception>
    public DelayFilter(long minMicros, long maxMicros, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minMicros);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMicros, minMicros);
        ArgumentNullException.ThrowIfNull(random);
        MinMicros = minMicros;
        MaxMicros = maxMicros;
        _random = random;
    }

    /// <summary>The least extra delay.</summary>
    public long MinMicros { get; }

    /// <summary>The greatest extra delay.</summary>
    public long MaxMicros { get; }

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        transmission.AddDelay(_random.NextInt64(MinMicros, MaxMicros + 1));
    }
}
