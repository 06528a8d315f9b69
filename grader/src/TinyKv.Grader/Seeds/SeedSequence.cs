using System.Globalization;

namespace TinyKv.Grader.Seeds;

/// <summary>
/// The seeds of <c>grader --seeds N</c>: <c>B, B+1, …, B+N-1</c>, with <c>B</c> from
/// <c>--seed-base</c> (1 by default). The same command line always runs the same seeds, so a
/// failure seen once is seen again, and <c>--seed-base</c> moves on to seeds not tried yet.
/// </summary>
public static class SeedSequence
{
    /// <summary>The first seed when <c>--seed-base</c> is not given.</summary>
    public const int DefaultBase = 1;

    /// <summary>
    /// <paramref name="count"/> seeds from <paramref name="first"/> on. Seeds are positive and
    /// fit an <see cref="int"/>, because <c>TestSeed</c> reads <c>TINYKV_SEED</c> as one.
    /// </summary>
    /// <exception cref="UsageException">The count is not positive, or a seed would fall outside 1..int.MaxValue.</exception>
    public static IReadOnlyList<int> Of(int count, int first = DefaultBase)
    {
        if (count < 1)
        {
            throw new UsageException($"--seeds must be at least 1, not {count.ToString(CultureInfo.InvariantCulture)}");
        }

        if (first < 1 || (long)first + count - 1 > int.MaxValue)
        {
            throw new UsageException($"the seeds must lie in 1..{int.MaxValue.ToString(CultureInfo.InvariantCulture)}; --seed-base {first.ToString(CultureInfo.InvariantCulture)} with --seeds {count.ToString(CultureInfo.InvariantCulture)} does not");
        }

        return [.. Enumerable.Range(first, count)];
    }
}
