using System.Globalization;
using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using TinyKv.Course.Running;

namespace TinyKv.Course.Cli;

/// <summary>
/// <c>tinykv-course mutants [ids…] [--seeds N] [--shard K/N] [--first-catch]</c>: plants each mutant of
/// <c>course/mutants/mutants.json</c> in a scratch copy of the repository, builds the reference
/// edition, runs its milestone's graded tests under seeds 1..N and prints one line per mutant:
/// caught (by which tests) or not. Each mutant is one check in the closing
/// <c>N passed, N failed</c> line; the exit code is 0 only when every one was caught. With
/// <c>--shard K/N</c> it checks part K of the mutants (<see cref="MutantShard"/>), so N commands can
/// share the work. With <c>--first-catch</c> each mutant's run stops at the first test that
/// catches it (<see cref="MutantCheck.StopAtFirstCatch"/>), as CI runs it.
/// </summary>
public static class MutantsCommand
{
    /// <summary>How many catching tests a mutant's line names before it says "…".</summary>
    public const int NamedTests = 3;

    /// <summary>The width of the id column; a longer id pushes the rest of its line right.</summary>
    public const int IdWidth = 30;

    /// <summary>Checks the mutants <paramref name="ids"/> name (every one when empty) of the repository at <paramref name="repository"/>.</summary>
    /// <param name="manifest">The course.</param>
    /// <param name="repository">The repository root; it is copied, never changed.</param>
    /// <param name="ids">The mutants to check, by id; empty for all.</param>
    /// <param name="seeds">How many seeds to run each milestone's tests under (1, 2, …).</param>
    /// <param name="shard">The part of the selected mutants to check; <see cref="MutantShard.Whole"/> for all.</param>
    /// <param name="createWorkspace">Makes the scratch copy of a repository root.</param>
    /// <param name="createRunner">Makes the test runner for the copy's root.</param>
    /// <param name="output">Where the lines go.</param>
    /// <param name="stopAtFirstCatch">Whether each mutant's run stops at the first test that catches it.</param>
    /// <exception cref="UsageException">An id names no mutant, or the seed count is below 1.</exception>
    /// <exception cref="MutantCatalogException">The catalog is missing or malformed.</exception>
    public static int Run(
        CourseManifest manifest,
        string repository,
        IReadOnlyList<string> ids,
        int seeds,
        MutantShard shard,
        Func<string, IMutantWorkspace> createWorkspace,
        Func<string, ITestRunner> createRunner,
        TextWriter output,
        bool stopAtFirstCatch = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(createWorkspace);
        ArgumentNullException.ThrowIfNull(createRunner);
        ArgumentNullException.ThrowIfNull(output);
        if (seeds < 1)
        {
            throw new UsageException($"--seeds must be at least 1, not {seeds.ToString(CultureInfo.InvariantCulture)}");
        }

        var selected = MutantCatalog.LoadFrom(repository, manifest).Select(ids);
        if (selected.Count == 0)
        {
            throw new UsageException($"{MutantCatalog.RelativeFolder}/{MutantCatalog.FileName} lists no mutants");
        }

        var mutants = shard.Pick(selected);
        var seedList = Enumerable.Range(1, seeds).ToList();
        if (shard != MutantShard.Whole)
        {
            var milestones = string.Join(", ", mutants.Select(m => m.Milestone).Distinct(StringComparer.Ordinal));
            output.WriteLine(mutants.Count == 0
                ? $"{shard} holds none of the {selected.Count} mutants: their milestones went to the other parts"
                : $"{shard}: {mutants.Count} of the {selected.Count} mutants, those of {milestones}");
        }

        if (mutants.Count == 0)
        {
            output.WriteLine("0 passed, 0 failed");
            return ExitCodes.Success;
        }

        output.WriteLine($"copying the repository to check {mutants.Count} mutants under {SeedsLabel(seedList)} …");
        MutantReport report;
        using (var workspace = createWorkspace(repository))
        {
            var check = new MutantCheck(manifest, workspace, createRunner(workspace.Root), step => output.WriteLine(step))
            {
                StopAtFirstCatch = stopAtFirstCatch,
            };
            report = check.Run(mutants, seedList, verdict => output.WriteLine(Describe(verdict)));
        }

        foreach (var problem in report.ControlProblems)
        {
            output.WriteLine("reference: " + problem.Replace("\n", "\n    ", StringComparison.Ordinal));
        }

        var failed = report.NotCaught + (report.ControlProblems.Count > 0 ? 1 : 0);
        output.WriteLine($"{report.Caught} passed, {failed} failed ({Minutes(report.Elapsed)})");
        return report.AllCaught ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// One mutant's line: its id, its milestone, and "caught by K of N tests (names)", or what kept
    /// it from being caught, with git's or the compiler's words indented below.
    /// </summary>
    public static string Describe(MutantVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var seeds = SeedsLabel(verdict.Seeds);
        var what = verdict.Outcome switch
        {
            MutantOutcome.Caught when verdict.StoppedAtFirstCatch =>
                $"caught under {seeds} by {verdict.CatchingTests[0]}, where its run of {verdict.TestsRun} tests stopped",
            MutantOutcome.Caught => $"caught by {verdict.CatchingTests.Count} of {verdict.TestsRun} tests under {seeds} ({Names(verdict.CatchingTests)})",
            MutantOutcome.Survived => $"SURVIVED: all {verdict.TestsRun} tests that pass on the reference passed on it under {seeds}",
            MutantOutcome.StalePatch => "STALE PATCH: it no longer applies to the reference; make it again from the current code",
            _ => "DOES NOT BUILD: the planted bug must compile to be judged",
        };
        var line = $"{verdict.Mutant.Id.PadRight(IdWidth)} {verdict.Mutant.Milestone,-3} {what}  [{Seconds(verdict.Elapsed)}]";
        return verdict.Detail.Length == 0
            ? line
            : line + Environment.NewLine + string.Join(Environment.NewLine, verdict.Detail.Split('\n').Select(l => "    " + l.TrimEnd()));
    }

    /// <summary>"seed 1", "seeds 1..5" for consecutive seeds, else the seeds listed.</summary>
    internal static string SeedsLabel(IReadOnlyList<int> seeds)
    {
        if (seeds.Count == 1)
        {
            return $"seed {seeds[0]}";
        }

        var consecutive = seeds.Zip(seeds.Skip(1)).All(p => (long)p.Second == (long)p.First + 1);
        return consecutive ? $"seeds {seeds[0]}..{seeds[^1]}" : $"seeds {string.Join(", ", seeds)}";
    }

    private static string Names(IReadOnlyList<string> tests) =>
        string.Join(", ", tests.Take(NamedTests)) + (tests.Count > NamedTests ? ", …" : "");

    private static string Seconds(TimeSpan elapsed) =>
        elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";

    private static string Minutes(TimeSpan elapsed) =>
        elapsed.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture) + " min";
}
