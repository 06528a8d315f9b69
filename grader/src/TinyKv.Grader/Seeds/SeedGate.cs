using TinyKv.Course.Running;

namespace TinyKv.Grader.Seeds;

/// <summary>
/// Grading under seeds (<c>grader submission --seeds N</c>): after a milestone's graded run, its
/// simulated tests run again under each seed (<see cref="SeedSweep.RunUnder"/>), and a test scores
/// only if it passed its graded run and every seed. A test that fails under a seed counts as
/// failed, its output naming the first seed it failed with and how to replay it, so a submission
/// cannot pass by luck with the one seed its author tried.
/// </summary>
public static class SeedGate
{
    /// <summary>
    /// <paramref name="run"/> with every passed simulated test that failed under one of
    /// <paramref name="seeds"/> turned into a failure; unchanged when there are no seeds or no
    /// simulated tests.
    /// </summary>
    public static MilestoneRun Apply(MilestoneRun run, ITestRunner runner, BuildSettings settings, IReadOnlyList<int> seeds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(output);
        if (seeds.Count == 0)
        {
            return run;
        }

        var listing = runner.List(new TestSelection([run.Milestone], TestTrait.Simulated), settings);
        if (listing.Tests.Count == 0)
        {
            return run;
        }

        output.WriteLine($"{run.Milestone.Id}: {listing.Tests.Count} simulated tests under {SeedSweep.Describe(seeds)}");
        var problems = new List<string>();
        var firstFailure = SeedSweep.RunUnder(runner, listing, seeds, problems, output)
            .Where(t => t.FirstFailure is not null)
            .ToDictionary(t => t.Name, t => t.FirstFailure!, StringComparer.Ordinal);
        var tests = run.Tests.Select(test => test.IsPassed && firstFailure.TryGetValue(test.Name, out var failure)
            ? test with
            {
                Outcome = TestOutcome.Failed,
                Output = $"passed with its own seed but failed with seed {failure.Seed} (replay: grader replay {test.Name} --seed {failure.Seed}):\n{Explain(failure.Result)}",
            }
            : test);
        return run with { Tests = [.. tests], Problems = [.. run.Problems, .. problems] };
    }

    private static string Explain(TestResult? result) => result switch
    {
        null => "the test reported no result under this seed (its host crashed or it was stopped)",
        { Outcome: TestOutcome.TimedOut } => "timed out",
        _ => result.Output,
    };
}
