namespace TinyKv.Course.Mutants;

/// <summary>How the graded tests took a mutant.</summary>
public enum MutantOutcome
{
    /// <summary>At least one test that passes on the reference failed, hung or crashed on the mutant.</summary>
    Caught,

    /// <summary>Every test that passes on the reference passed on the mutant too: the suite cannot tell them apart.</summary>
    Survived,

    /// <summary>The patch no longer fits the reference; it must be made again from the current code.</summary>
    StalePatch,

    /// <summary>The patch applied, but the mutant does not compile; a mutant must build to be judged.</summary>
    DoesNotBuild,
}

/// <summary>What one mutant's run found.</summary>
/// <param name="Mutant">The mutant.</param>
/// <param name="Outcome">Whether the tests caught it, or why it could not be judged.</param>
/// <param name="TestsRun">How many graded tests of its milestone ran on it (0 when it was not run).</param>
/// <param name="CatchingTests">The tests that caught it, in the order they were listed.</param>
/// <param name="Seeds">The seeds its tests ran under.</param>
/// <param name="Detail">For a stale patch or a failed build, git's or the compiler's words; else empty.</param>
/// <param name="Elapsed">Wall time of planting, building, running and removing it.</param>
public sealed record MutantVerdict(
    MutantSpec Mutant,
    MutantOutcome Outcome,
    int TestsRun,
    IReadOnlyList<string> CatchingTests,
    IReadOnlyList<int> Seeds,
    string Detail,
    TimeSpan Elapsed)
{
    /// <summary>Whether the suite noticed the mutant.</summary>
    public bool IsCaught => Outcome == MutantOutcome.Caught;

    /// <summary>
    /// Whether its run stopped at the first catching test (<see cref="MutantCheck.StopAtFirstCatch"/>):
    /// <see cref="CatchingTests"/> then holds that test alone, and others might catch it too.
    /// </summary>
    public bool StoppedAtFirstCatch { get; init; }
}

/// <summary>Everything one check of the mutants found.</summary>
/// <param name="Verdicts">One verdict per mutant, in the order they were checked.</param>
/// <param name="ControlProblems">
/// What is wrong with the unchanged reference under the same seeds: it does not build, a
/// milestone has no graded tests, a test fails. A test failing there does not count as catching.
/// </param>
/// <param name="Elapsed">Wall time of the whole check.</param>
public sealed record MutantReport(IReadOnlyList<MutantVerdict> Verdicts, IReadOnlyList<string> ControlProblems, TimeSpan Elapsed)
{
    /// <summary>How many mutants were caught.</summary>
    public int Caught => Verdicts.Count(v => v.IsCaught);

    /// <summary>How many were not: survivors, stale patches, mutants that do not build.</summary>
    public int NotCaught => Verdicts.Count - Caught;

    /// <summary>Whether every mutant was caught, at least one was checked, and the reference itself was clean.</summary>
    public bool AllCaught => Verdicts.Count > 0 && NotCaught == 0 && ControlProblems.Count == 0;
}
