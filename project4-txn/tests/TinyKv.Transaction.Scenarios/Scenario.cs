using System.Globalization;
using System.Text;
using TinyKv.Client;
using TinyKv.TestKit;

namespace TinyKv.Transaction.Scenarios;

/// <summary>What the scenarios share: client options for simulated time, and numbers stored as text.</summary>
public static class Scenario
{
    /// <summary>
    /// Client options for simulated runs: a short lock TTL so abandoned locks expire within a
    /// bounded number of steps, and enough attempts that a client outwaits any lock (about
    /// 3.6 simulated seconds of backoff against a 300 ms TTL).
    /// </summary>
    public static PercolatorClientOptions ClientOptions { get; } = new()
    {
        LockTtl = TimeSpan.FromMilliseconds(300),
        MaxAttempts = 40,
        InitialBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>The variable that sets how many seeds the many-seed tests run (the bank also reads <c>TINYKV_BANK_SEEDS</c>).</summary>
    public const string SeedsVariable = "TINYKV_SCENARIO_SEEDS";

    /// <summary>How many seeds a many-seed test runs: the first of <paramref name="variables"/> that is set, else <paramref name="fallback"/>.</summary>
    /// <exception cref="FormatException">The variable is not a number.</exception>
    public static int SeedCount(int fallback, params string[] variables)
    {
        foreach (var variable in variables.Append(SeedsVariable))
        {
            var text = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(text))
            {
                return int.Parse(text, CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }

    /// <summary>The seeds of a many-seed run: from <see cref="TestSeed.Value"/> (<c>TINYKV_SEED</c>) on.</summary>
    public static IEnumerable<int> Seeds(int count) => Enumerable.Range(0, count).Select(i => unchecked(TestSeed.Value + i));

    public static byte[] Key(string key) => Encoding.UTF8.GetBytes(key);

    public static byte[] Number(long value) => Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A stored number; a missing key reads as <paramref name="missing"/>.</summary>
    public static long Number(byte[]? stored, long missing = 0) =>
        stored is null ? missing : long.Parse(Encoding.UTF8.GetString(stored), CultureInfo.InvariantCulture);
}
