namespace TinyKv.TestKit.Simulation;

/// <summary>
/// An unreliable link: drops each message with probability <see cref="Fraction"/>, drawn from a
/// seeded stream (the original harness's DropFilter drops about 10%).
/// </summary>
public sealed class DropFilter : INetworkFilter
{
    private readonly Random _random;

    /// <summary>Drops a <paramref name="fraction"/> (0..1) of messages, choosing with <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside 0..1.</exception>
    public DropFilter(double fraction, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        ArgumentNullException.ThrowIfNull(random);
        Fraction = fraction;
        _random = random;
    }

    /// <summary>The probability that a message is dropped.</summary>
    public double Fraction { get; }

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        if (_random.NextDouble() < Fraction)
        {
            transmission.Drop("drop");
        }
    }
}
