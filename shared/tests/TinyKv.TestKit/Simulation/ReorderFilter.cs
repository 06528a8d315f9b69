namespace TinyKv.TestKit.Simulation;

/// <summary>
/// A reordering link: gives every copy of every message its own random jitter in
/// [0, <see cref="MaxJitterMicros"/>], so a message sent later can overtake one sent earlier.
/// </summary>
public sealed class ReorderFilter : INetworkFilter
{
    private readonly Random _random;

    /// <summary>Jitters each copy by up to <paramref name="maxJitterMicros"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxJitterMicros"/> is not positive.</exception>
    public ReorderFilter(long maxJitterMicros, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxJitterMicros);
        ArgumentNullException.ThrowIfNull(random);
        MaxJitterMicros = maxJitterMicros;
        _random = random;
    }

    /// <summary>The greatest jitter.</summary>
    public long MaxJitterMicros { get; }

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        for (var copy = 0; copy < transmission.CopyCount; copy++)
        {
            transmission.AddDelay(copy, _random.NextInt64(0, MaxJitterMicros + 1));
        }
    }
}
