using System.Diagnostics;
using System.Globalization;
using TinyKv.Course.Checks;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Mutants;

/// <summary>
/// Breaks the reference on purpose and checks that the graded tests notice. First the control:
/// the unchanged reference is built in <paramref name="workspace"/> and the graded tests of every
/// mutant's milestone run under each seed, to know which tests pass there. Then, one mutant at a
/// time: plant its patch, build the reference edition, run its milestone's tests under the same
/// seeds, take the patch back out. A mutant is caught when a test that passed in the control
/// fails, hangs or crashes on it under the same seed.
/// </summary>
/// <param name="manifest">The course, for the milestones and their test projects.</param>
/// <param name="workspace">The copy of the repository the mutants are planted in.</param>
/// <param name="runner">Builds and runs the tests of <paramref name="workspace"/>.</param>
/// <param name="onStep">Told of each build and run as it starts (e.g. to print "building stale-read …").</param>
public sealed class MutantCheck(CourseManifest manifest, IMutantWorkspace workspace, ITestRunner runner, Action<string>? onStep = null)
{
    /// <summary>The environment variable a simulated test reads its seed from (the test kit's <c>TestSeed.Variable</c>).</summary>
    public const string SeedVariable = "TINYKV_SEED";

    /// <summary>
    /// The build of the copy: the reference edition, without analyzers, since a mutant is judged
    /// by what its code does and the copy is compiled once per mutant.
    /// </summary>
    public static BuildSettings CopyBuild { get; } = CourseVerifier.Reference with { Analyzers = false };

    /// <summary>
    /// Whether a mutant's run stops at the first test that catches it (a test that passed in the
    /// control failing, hanging or crashing under the same seed), with the remaining tests and
    /// seeds left unrun. The verdict is the same, caught or not; it names that one test instead of
    /// every test that would catch the mutant, and a caught mutant costs a fraction of a full run.
    /// </summary>
    public bool StopAtFirstCatch { get; init; }

    /// <summary>
    /// Checks <paramref name="mutants"/> under <paramref name="seeds"/>, in the order given.
    /// </summary>
    /// <param name="mutants">The mutants to plant, one at a time.</param>
    /// <param name="seeds">The seeds every run uses; the same seeds give the same verdicts.</param>
    /// <param name="report">Called with each mutant's verdict as soon as it is known.</param>
    /// <exception cref="ArgumentException">There are no seeds.</exception>
    /// <exception cref="IOException">A patch could not be taken back out, so the copy is no longer the reference.</exception>
    public MutantReport Run(IReadOnlyList<MutantSpec> mutants, IReadOnlyList<int> seeds, Action<MutantVerdict>? report = null)
    {
        ArgumentNullException.ThrowIfNull(mutants);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("a mutant check needs at least one seed", nameof(seeds));
        }

        var stopwatch = Stopwatch.StartNew();
        var milestones = mutants
            .Select(m => m.Milestone)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(Milestones.OrdinalOf)
            .Select(manifest.Get)
            .ToList();
        if (milestones.Count == 0)
        {
            return new MutantReport([], [], stopwatch.Elapsed);
        }

        var control = Control(milestones, seeds, out var problems);
        if (control is null)
        {
            return new MutantReport([], problems, stopwatch.Elapsed);
        }

        var verdicts = new List<MutantVerdict>();
        foreach (var mutant in mutants)
        {
            var verdict = Check(mutant, control[mutant.Milestone], seeds);
            report?.Invoke(verdict);
            verdicts.Add(verdict);
        }

        return new MutantReport(verdicts, problems, stopwatch.Elapsed);
    }

    /// <summary>
    /// Builds the unchanged reference, lists each milestone's graded tests and runs them under
    /// every seed. Returns, per milestone, its listing and the tests that passed under each seed;
    /// null when there is nothing to compare mutants with (the reference does not build).
    /// </summary>
    private Dictionary<string, ControlRun>? Control(IReadOnlyList<MilestoneSpec> milestones, IReadOnlyList<int> seeds, out List<string> problems)
    {
        problems = [];
        var ids = string.Join(", ", milestones.Select(m => m.Id));
        onStep?.Invoke($"building the unchanged reference for {ids} …");
        var build = runner.Build(milestones, CopyBuild);
        if (!build.Succeeded)
        {
            problems.Add($"the unchanged reference does not build:\n{ErrorLines(build.Output)}");
            return null;
        }

        var control = new Dictionary<string, ControlRun>(StringComparer.Ordinal);
        foreach (var milestone in milestones)
        {
            var listing = runner.List(new TestSelection([milestone]), CopyBuild);
            problems.AddRange(listing.Problems.Select(p => $"{milestone.Id}: {p}"));
            if (listing.Tests.Count == 0)
            {
                problems.Add($"{milestone.Id}: no graded tests were found on the reference, so nothing can catch its mutants");
            }

            var passed = new Dictionary<int, HashSet<string>>();
            foreach (var seed in seeds)
            {
                onStep?.Invoke($"running {milestone.Id}'s tests on the unchanged reference under seed {seed} …");
                var run = RunUnder(listing, seed);
                passed[seed] = PassedNames(run);
                problems.AddRange(listing.Tests
                    .Where(t => !passed[seed].Contains(t.Name))
                    .Select(t => $"{milestone.Id}: {t.Name} does not pass on the unchanged reference under seed {seed}, so it cannot catch a mutant there"));
            }

            control[milestone.Id] = new ControlRun(milestone, listing, passed);
        }

        return control;
    }

    private MutantVerdict Check(MutantSpec mutant, ControlRun control, IReadOnlyList<int> seeds)
    {
        var stopwatch = Stopwatch.StartNew();
        onStep?.Invoke($"{mutant.Id}: planting {Path.GetFileName(mutant.Patch)} and building …");
        if (workspace.Plant(mutant.Patch) is { } refusal)
        {
            return Verdict(MutantOutcome.StalePatch, 0, [], refusal);
        }

        try
        {
            var build = runner.Build([control.Milestone], CopyBuild);
            if (!build.Succeeded)
            {
                return Verdict(MutantOutcome.DoesNotBuild, 0, [], ErrorLines(build.Output));
            }

            var catching = new HashSet<string>(StringComparer.Ordinal);
            foreach (var seed in seeds)
            {
                onStep?.Invoke($"{mutant.Id}: running {mutant.Milestone}'s tests under seed {seed} …");
                var passedInControl = control.Passed[seed];
                string? first = null;
                var run = RunUnder(control.Listing, seed, StopAtFirstCatch
                    ? result => passedInControl.Contains(result.Name) && Interlocked.CompareExchange(ref first, result.Name, null) is null
                    : null);
                if (first is not null)
                {
                    // Stopped there: the tests after it have no result, which says nothing about them.
                    return Verdict(MutantOutcome.Caught, control.Listing.Tests.Count, [first], "") with { StoppedAtFirstCatch = true };
                }

                // A test that reported nothing (its host died before it ran) did not pass either.
                var passed = PassedNames(run);
                catching.UnionWith(passedInControl.Where(name => !passed.Contains(name)));
            }

            var inOrder = control.Listing.Tests.Select(t => t.Name).Where(catching.Contains).Distinct(StringComparer.Ordinal).ToList();
            return Verdict(inOrder.Count > 0 ? MutantOutcome.Caught : MutantOutcome.Survived, control.Listing.Tests.Count, inOrder, "");
        }
        finally
        {
            workspace.Remove(mutant.Patch);
        }

        MutantVerdict Verdict(MutantOutcome outcome, int testsRun, IReadOnlyList<string> catching, string detail) =>
            new(mutant, outcome, testsRun, catching, seeds, detail, stopwatch.Elapsed);
    }

    private SelectionRun RunUnder(TestListing listing, int seed, Func<TestResult, bool>? stopAt = null) =>
        runner.Run(listing, new Dictionary<string, string> { [SeedVariable] = seed.ToString(CultureInfo.InvariantCulture) }, stopAt: stopAt);

    /// <summary>The compiler's error lines, or the end of the output when there are none.</summary>
    private static string ErrorLines(string output)
    {
        var errors = output.Split('\n').Where(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).Take(10).ToList();
        return string.Join('\n', errors.Count > 0 ? errors : output.Split('\n').TakeLast(10)).Trim();
    }

    /// <summary>A milestone's tests on the unchanged reference: what was listed, and which passed under each seed.</summary>
    private sealed record ControlRun(MilestoneSpec Milestone, TestListing Listing, IReadOnlyDictionary<int, HashSet<string>> Passed);

    /// <summary>
    /// The tests of <paramref name="run"/> that passed: every result reported under the name
    /// passed. A theory whose cases xunit cannot list one by one reports them all under one name,
    /// and one failing case fails that name.
    /// </summary>
    private static HashSet<string> PassedNames(SelectionRun run) =>
        run.Tests.GroupBy(t => t.Name, StringComparer.Ordinal)
            .Where(g => g.All(t => t.IsPassed))
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
}
