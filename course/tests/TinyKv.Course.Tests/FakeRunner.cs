using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Tests;

/// <summary>
/// A test runner that runs nothing: each (milestone, build) answers with the outcomes a test
/// gave it, and every call is written down so tests can check what was built and when.
/// </summary>
internal sealed class FakeRunner : ITestRunner
{
    private readonly Dictionary<(string Milestone, string Build), TestOutcome[]> _outcomes = [];
    private readonly HashSet<string> _brokenBuilds = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public FakeRunner Returns(string milestone, BuildSettings settings, params TestOutcome[] outcomes)
    {
        _outcomes[(milestone, settings.Label)] = outcomes;
        return this;
    }

    public FakeRunner FailsToBuild(BuildSettings settings)
    {
        _brokenBuilds.Add(settings.Label);
        return this;
    }

    public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        Calls.Add($"build {settings.Label}: {string.Join(" ", milestones.Select(m => m.Id))}");
        var broken = _brokenBuilds.Contains(settings.Label);
        return new BuildOutcome(!broken, broken ? "Storage.cs(3,1): error CS1002: ; expected" : "", TimeSpan.Zero);
    }

    public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null)
    {
        Calls.Add($"run {milestone.Id} on {settings.Label}");
        var outcomes = _outcomes.GetValueOrDefault((milestone.Id, settings.Label), []);
        var tests = outcomes.Select((o, i) => new TestResult(milestone.Id, $"Tests.T{i}", o, TimeSpan.Zero, "")).ToList();
        return new MilestoneRun(milestone, tests, [], TimeSpan.Zero);
    }

    public TestListing List(TestSelection selection, BuildSettings settings)
    {
        Calls.Add($"list {selection.Filter} on {settings.Label}");
        return new TestListing(selection, [], []);
    }

    public SelectionRun Run(TestListing listing, IReadOnlyDictionary<string, string> environment, IProgress<TestProgress>? progress = null, Func<TestResult, bool>? stopAt = null)
    {
        Calls.Add($"run {listing.Selection.Filter}");
        return new SelectionRun([], [], TimeSpan.Zero);
    }
}
