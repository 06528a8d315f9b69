using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Tests;

/// <summary>
/// A test runner that builds nothing and runs nothing: it records what it was asked and answers
/// with <c>run</c>; simulated tests are the names in <see cref="Simulated"/>, and their outcome
/// under a seed is what <see cref="OutcomeUnder"/> says.
/// </summary>
internal sealed class FakeRunner(Func<MilestoneSpec, MilestoneRun> run) : ITestRunner
{
    public const string BuildErrorLine = "src/Program.cs(3,1): error CS1002: ; expected [src/App.csproj]";

    public bool BuildSucceeds { get; init; } = true;

    public List<BuildSettings> Built { get; } = [];

    /// <summary>Decides each build's success from the milestones and settings (and whatever it looks at); <see cref="BuildSucceeds"/> when null.</summary>
    public Func<IReadOnlyList<MilestoneSpec>, BuildSettings, bool>? BuildsWhen { get; init; }

    /// <summary>The error line a failed build prints (twice, as MSBuild does).</summary>
    public string FailedBuildError { get; init; } = BuildErrorLine;

    public List<string> Ran { get; } = [];

    /// <summary>The simulated tests (Class.Method) of each milestone id.</summary>
    public Dictionary<string, string[]> Simulated { get; init; } = [];

    /// <summary>The outcome of a simulated test (Class.Method) under a seed; passed by default.</summary>
    public Func<int, string, TestOutcome> OutcomeUnder { get; init; } = (_, _) => TestOutcome.Passed;

    /// <summary>The selections listed, in order.</summary>
    public List<TestSelection> Listed { get; } = [];

    /// <summary>Each run of a listing: its filter, the TINYKV_SEED it had, and the tests it covered.</summary>
    public List<(string Filter, string? Seed, IReadOnlyList<string> Tests)> SeededRuns { get; } = [];

    /// <summary>A runner whose every test passes.</summary>
    public static FakeRunner AllPassing() => new(m => SampleRuns.AllPassing(m.Id) with { Milestone = m });

    public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        Built.Add(settings);
        var succeeds = BuildsWhen?.Invoke(milestones, settings) ?? BuildSucceeds;
        var output = succeeds ? "" : $"  restoring…\n{FailedBuildError}\n\nBuild FAILED.\n\n{FailedBuildError}\n    0 Warning(s)\n    1 Error(s)\n";
        return new BuildOutcome(succeeds, output, TimeSpan.FromSeconds(1));
    }

    public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null)
    {
        Ran.Add(milestone.Id);
        progress?.Report(new TestProgress(milestone.Id, 1, 2, null));
        return run(milestone);
    }

    public TestListing List(TestSelection selection, BuildSettings settings)
    {
        Listed.Add(selection);
        var tests = selection.Milestones
            .SelectMany(m => Simulated.GetValueOrDefault(m.Id, []).Select(name => new ListedTest(m, m.TestProjects[0], $"{m.Id}.dll", $"Course.Tests.{name}")))
            .Where(t => selection.DisplayName is null || t.DisplayName == selection.DisplayName)
            .ToList();
        return new TestListing(selection, tests, []);
    }

    public SelectionRun Run(TestListing listing, IReadOnlyDictionary<string, string> environment, IProgress<TestProgress>? progress = null, Func<TestResult, bool>? stopAt = null)
    {
        var seed = environment.GetValueOrDefault("TINYKV_SEED");
        SeededRuns.Add((listing.Selection.Filter, seed, [.. listing.Tests.Select(t => t.Name)]));
        var number = int.Parse(seed ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var tests = listing.Tests.Select(t =>
        {
            var outcome = OutcomeUnder(number, t.Name);
            var output = outcome == TestOutcome.Passed ? "" : $"simulation failed at seed {number}\nreplay: TINYKV_SEED={number} dotnet test\n--- trace tail ---\n  t=120 n1 → n2 AppendEntries";
            return new TestResult(t.Milestone.Id, t.Name, outcome, TimeSpan.FromMilliseconds(250), output) { StandardOutput = outcome == TestOutcome.Passed ? "" : "5 events" };
        });
        return new SelectionRun([.. tests], [], TimeSpan.FromSeconds(1));
    }
}
