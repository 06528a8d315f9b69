using System.Globalization;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader.Seeds;

/// <summary>
/// <c>grader --seeds N</c>: build once, list the simulated tests (trait <c>Simulated=true</c>) of
/// the selected milestones, run them all under each seed in turn (one test run per seed, with
/// <c>TINYKV_SEED</c> set), print a table of each test's pass rate and verdict, and end with
/// <c>N passed, N failed</c>, where a test counts as passed only if it passed under every seed.
/// </summary>
public sealed class SeedSweep
{
    /// <summary>
    /// The environment variable a simulated test reads its seed from (the test kit's
    /// <c>TestSeed.Variable</c>; the grader does not reference the test kit).
    /// </summary>
    public const string SeedVariable = "TINYKV_SEED";

    private readonly IReadOnlyList<MilestoneSpec> _milestones;
    private readonly ITestRunner _runner;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly Action<string, string> _writeFile;

    /// <param name="milestones">Every milestone of the course, in course order.</param>
    /// <param name="runner">Builds the repository, lists and runs the tests.</param>
    /// <param name="output">Where the grader's own lines go (standard output).</param>
    /// <param name="time">The clock for the start and finish times.</param>
    /// <param name="writeFile">Writes a results file (path, text); default: <see cref="ResultsFile.Write"/>.</param>
    public SeedSweep(
        IReadOnlyList<MilestoneSpec> milestones,
        ITestRunner runner,
        TextWriter output,
        TimeProvider time,
        Action<string, string>? writeFile = null)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        _milestones = milestones;
        _runner = runner;
        _out = output;
        _time = time;
        _writeFile = writeFile ?? ResultsFile.Write;
    }

    /// <summary>
    /// Runs as <paramref name="request"/> says; returns the process exit code: 0 only when every
    /// simulated test passed under every seed (and at least one ran) and the results file, if
    /// any, was written.
    /// </summary>
    /// <exception cref="UsageException">A milestone id is unknown, there are no seeds, or the format is not table or json.</exception>
    public int Run(SeedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Format is not (ReportFormat.Table or ReportFormat.Json))
        {
            throw new UsageException($"--seeds reports as a table or as json, not as {Reports.Reports.NameOf(request.Format)}");
        }

        if (request.Seeds.Count == 0)
        {
            throw new UsageException("--seeds needs at least one seed");
        }

        var (selected, notAvailable) = MilestoneSelection.Select(_milestones, request.Milestones);
        foreach (var id in notAvailable)
        {
            _out.WriteLine($"{id}: not available yet");
        }

        var started = _time.GetUtcNow();
        var (tests, problems, buildError) = selected.Count == 0 ? ([], [], null) : BuildAndSweep(selected, request);
        var report = new SeedReport(
            request.Settings.Label,
            started,
            _time.GetUtcNow(),
            [.. selected.Select(m => m.Id)],
            request.Seeds,
            tests,
            notAvailable,
            problems,
            buildError);

        _out.WriteLine();
        _out.Write(SeedTableReport.Render(report));
        var written = WriteResults(report, request);
        _out.WriteLine(report.Summary);
        return report.AllPassed && written ? ExitCodes.AllPassed : ExitCodes.NotAllPassed;
    }

    private (IReadOnlyList<SeededTest> Tests, IReadOnlyList<string> Problems, string? BuildError) BuildAndSweep(IReadOnlyList<MilestoneSpec> selected, SeedRequest request)
    {
        if (SessionSteps.BuildOrReport(_runner, selected, request.Settings, _out) is { } errors)
        {
            return ([], [], errors);
        }

        var listing = _runner.List(new TestSelection(selected, TestTrait.Simulated), request.Settings);
        var problems = new List<string>(listing.Problems);
        var ids = string.Join(", ", selected.Select(m => m.Id));
        if (listing.Tests.Count == 0)
        {
            problems.Add($"no test of {ids} is simulated ([Simulated]), so there is nothing to run under seeds");
            return ([], problems, null);
        }

        _out.WriteLine($"{listing.Tests.Count} simulated tests of {ids}, under {Describe(request.Seeds)}");
        return ([.. RunUnder(_runner, listing, request.Seeds, problems, _out)], problems, null);
    }

    /// <summary>
    /// Runs <paramref name="listing"/>'s tests once under each of <paramref name="seeds"/>, saying
    /// so on <paramref name="output"/>; each test's result under every seed (null where it reported
    /// none), and each run's problems added to <paramref name="problems"/>.
    /// </summary>
    internal static IReadOnlyList<SeededTest> RunUnder(ITestRunner runner, TestListing listing, IReadOnlyList<int> seeds, List<string> problems, TextWriter output)
    {
        var keys = listing.Tests.Select(t => (Milestone: t.Milestone.Id, t.Name)).Distinct().ToList();
        var runs = keys.ToDictionary(k => k, _ => new List<SeedResult>());
        for (var i = 0; i < seeds.Count; i++)
        {
            var seed = seeds[i];
            output.WriteLine($"seed {seed} ({i + 1} of {seeds.Count}): running …");
            var run = runner.Run(listing, new Dictionary<string, string> { [SeedVariable] = seed.ToString(CultureInfo.InvariantCulture) });
            problems.AddRange(run.Problems.Select(p => $"seed {seed}: {p}"));
            var results = run.Tests.GroupBy(t => (t.Milestone, t.Name)).ToDictionary(g => g.Key, g => g.First());
            foreach (var key in keys)
            {
                runs[key].Add(new SeedResult(seed, results.GetValueOrDefault(key)));
            }

            var passed = keys.Count(k => results.GetValueOrDefault(k)?.IsPassed == true);
            output.WriteLine($"seed {seed}: {passed}/{keys.Count} passed");
        }

        return [.. keys.Select(k => new SeededTest(k.Milestone, k.Name, runs[k]))];
    }

    /// <summary>"seed 7", or "seeds 1..20" for a run of consecutive seeds, else the seeds listed.</summary>
    internal static string Describe(IReadOnlyList<int> seeds)
    {
        if (seeds.Count == 1)
        {
            return $"seed {seeds[0]}";
        }

        var consecutive = seeds.Zip(seeds.Skip(1)).All(p => (long)p.Second == (long)p.First + 1);
        return consecutive ? $"seeds {seeds[0]}..{seeds[^1]}" : $"seeds {string.Join(", ", seeds)}";
    }

    /// <summary>Writes the results file, if the format has one; false when it could not be written.</summary>
    private bool WriteResults(SeedReport report, SeedRequest request) =>
        SessionSteps.WriteResults(
            request.OutFile ?? Reports.Reports.DefaultFile(request.Format),
            Reports.Reports.NameOf(request.Format),
            () => request.Format == ReportFormat.Json ? SeedJsonReport.Render(report) : SeedTableReport.Render(report),
            _writeFile,
            _out);
}
