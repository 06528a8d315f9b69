using System.Globalization;

namespace TinyKv.TestKit;

/// <summary>
/// The seed every randomized test draws from: <c>TINYKV_SEED</c> when set, else a fixed
/// default, so a plain <c>dotnet test</c> is reproducible and <c>TINYKV_SEED=7 dotnet test</c>
/// replays (or explores) another run exactly.
/// </summary>
public static class TestSeed
{
    /// <summary>The seed used when <c>TINYKV_SEED</c> is not set.</summary>
    public const int Default = 20261124;

    /// <summary>The environment variable that picks the seed.</summary>
    public const string Variable = "TINYKV_SEED";

    /// <summary>The seed of this run.</summary>
    public static int Value { get; } = Read(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Parses a <c>TINYKV_SEED</c> value; empty means the default.</summary>
    /// <exception cref="ArgumentException">The value is not an integer.</exception>
    public static int Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Default;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
        {
            throw new ArgumentException($"{Variable} must be an integer, not '{text}'", nameof(text));
        }

        return seed;
    }

    /// <summary>
    /// A generator for one consumer (a node, a network), derived from the run's seed and a
    /// stream number, so every consumer gets its own stream and adding one does not shift the others.
    /// </summary>
    public static Random Stream(ulong stream) => Stream(Value, stream);

    /// <summary>As <see cref="Stream(ulong)"/>, from an explicit seed.</summary>
    public static Random Stream(int seed, ulong stream)
    {
        // SplitMix64 of (seed, stream): nearby streams get unrelated generators.
        var z = unchecked(((ulong)(uint)seed << 32) ^ (stream * 0x9E3779B97F4A7C15UL));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random(unchecked((int)z ^ (int)(z >> 32)));
    }
}
