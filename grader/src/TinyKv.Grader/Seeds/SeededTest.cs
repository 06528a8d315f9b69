using TinyKv.Course.Running;

namespace TinyKv.Grader.Seeds;

/// <summary>How a test fared over every seed.</summary>
public enum SeedVerdict
{
    /// <summary>Passed under every seed.</summary>
    Pass,

    /// <summary>Failed under every seed.</summary>
    Fail,

    /// <summary>Passed under some seeds and failed under others: a bug only some histories show.</summary>
    Flaky,
}

/// <summary>One seed's result of a test; <paramref name="Result"/> is null when the run reported none.</summary>
public sealed record SeedResult(int Seed, TestResult? Result)
{
    /// <summary>Whether the test passed under this seed (a missing result did not).</summary>
    public bool IsPassed => Result?.IsPassed == true;
}

/// <summary>A simulated test and its result under each seed, in seed order.</summary>
/// <param name="Milestone">The milestone id.</param>
/// <param name="Name">Class and method (and theory arguments), as the score table names tests.</param>
/// <param name="Runs">One entry per seed run.</param>
public sealed record SeededTest(string Milestone, string Name, IReadOnlyList<SeedResult> Runs)
{
    public int Passed => Runs.Count(r => r.IsPassed);

    public int Failed => Runs.Count - Passed;

    /// <summary>The share of seeds it passed under, 0 to 1.</summary>
    public double PassRate => Runs.Count == 0 ? 0 : (double)Passed / Runs.Count;

    /// <summary>Pass under every seed, fail under every seed, or flaky.</summary>
    public SeedVerdict Verdict => (Passed, Failed) switch
    {
        (_, 0) when Passed > 0 => SeedVerdict.Pass,
        (0, _) => SeedVerdict.Fail,
        _ => SeedVerdict.Flaky,
    };

    /// <summary>The first seed it failed under; null when it passed under every one.</summary>
    public SeedResult? FirstFailure => Runs.FirstOrDefault(r => !r.IsPassed);
}
