using System.Globalization;

namespace TinyKv.TestKit.Simulation;

/// <summary>
/// The master seed of a simulated run: <c>TINYKV_SEED</c> when set, else a fresh one. Unlike
/// <see cref="TestSeed"/> (a fixed default), a simulated test explores a new history on every
/// plain run; a failure prints its seed and the command that replays it
/// (see <see cref="SimulationFailedException"/>).
/// </summary>
public static class SimulationSeed
{
    /// <summary>The environment variable that picks the seed (shared with <see cref="TestSeed"/>).</summary>
    public const string Variable = TestSeed.Variable;

    /// <summary>The seed of a new run: <c>TINYKV_SEED</c> if set, else <see cref="Fresh"/>.</summary>
    /// <exception cref="ArgumentException"><c>TINYKV_SEED</c> is not an integer.</exception>
    public static long Resolve() => Parse(Environment.GetEnvironmentVariable(Variable)) ?? Fresh();

    /// <summary>Parses a <c>TINYKV_SEED</c> value; null or blank means "not set".</summary>
    /// <exception cref="ArgumentException">The value is not an integer.</exception>
    public static long? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
        {
            throw new ArgumentException($"{Variable} must be an integer, not '{text}'", nameof(text));
        }

        return seed;
    }

    /// <summary>
    /// A new seed in 1..int.MaxValue (so it also fits <see cref="TestSeed"/>, which shares the variable).
    /// </summary>
    /// <remarks>
    /// The only place the simulation reads the wall clock: picking the seed is the one choice
    /// that should differ between runs, and the seed is printed on failure, so the run it
    /// starts is still replayable.
    /// </remarks>
    public static long Fresh()
    {
        var z = unchecked((ulong)DateTime.UtcNow.Ticks * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z ^= z >> 31;
        return (long)(z % int.MaxValue) + 1;
    }
}
