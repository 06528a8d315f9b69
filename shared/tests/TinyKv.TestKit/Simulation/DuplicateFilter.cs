namespace TinyKv.TestKit.Simulation;

/// <summary>
/// A link that delivers some messages twice: with probability <see cref="Probability"/> adds a
/// copy that arrives 0..<see cref="MaxExtraMicros"/> after the original, from a seeded stream.
/// </summary>
public sealed class DuplicateFilter : INetworkFilter
{
    private readonly Random _random;

    /// <summary>Duplicates a message with <paramref name="probability"/> (0..1); the copy trails by up to <paramref name="maxExtraMicros"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public DuplicateFilter(double probability, long maxExtraMicros, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxExtraMicros);
        ArgumentNullException.ThrowIfNull(random);
        Probability = probability;
        MaxExtraMicros = maxExtraMicros;
        _random = random;
    }

    /// <summary>The probability that a message is delivered twice.</summary>
    public double Probability { get; }

    /// <summary>The greatest lag of the copy behind the original.</summary>
    public long MaxExtraMicros { get; }

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        if (_random.NextDouble() < Probability)
        {
            transmission.Duplicate(_random.NextInt64(0, MaxExtraMicros + 1));
        }
    }
}
