namespace TinyKv.Grader.Seeds;

/// <summary>Everything one <c>grader --seeds N</c> run found.</summary>
/// <param name="Edition">The build's label ("reference", "student", "as is", …).</param>
/// <param name="Started">When the run started.</param>
/// <param name="Finished">When it finished.</param>
/// <param name="Milestones">The milestones whose simulated tests ran, in course order.</param>
/// <param name="Seeds">The seeds, in the order they ran.</param>
/// <param name="Tests">Every simulated test, by milestone in course order, then by name.</param>
/// <param name="NotAvailable">Milestones asked for that are not built yet.</param>
/// <param name="Problems">What went wrong around the tests (per seed: "seed 3: …").</param>
/// <param name="BuildError">The build's error lines when the build failed; null otherwise.</param>
public sealed record SeedReport(
    string Edition,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    IReadOnlyList<string> Milestones,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<SeededTest> Tests,
    IReadOnlyList<string> NotAvailable,
    IReadOnlyList<string> Problems,
    string? BuildError)
{
    /// <summary>Tests that passed under every seed.</summary>
    public int Passed => Tests.Count(t => t.Verdict == SeedVerdict.Pass);

    /// <summary>Tests that failed under at least one seed; a failed build counts as one.</summary>
    public int Failed => BuildError is null ? Tests.Count - Passed : 1;

    /// <summary>The closing line every run prints last.</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";

    /// <summary>Whether every simulated test passed under every seed, and at least one ran.</summary>
    public bool AllPassed => Failed == 0 && Passed > 0 && BuildError is null;
}
