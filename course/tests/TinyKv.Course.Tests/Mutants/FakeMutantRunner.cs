using TinyKv.Course.Manifest;
using TinyKv.Course.Mutants;
using TinyKv.Course.Running;

namespace TinyKv.Course.Tests.Mutants;

/// <summary>
/// A test runner that runs nothing: each milestone has the tests a test gave it, every test
/// passes unless told to fail under a seed with a mutant planted (or on the reference), and
/// every call is written down with the mutant planted at the time.
/// </summary>
internal sealed class FakeMutantRunner(FakeWorkspace workspace) : ITestRunner
{
    private const string Reference = "reference";
    private readonly Dictionary<string, string[]> _tests = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Build, int Seed), Dictionary<string, TestOutcome>> _outcomes = [];
    private readonly HashSet<string> _brokenBuilds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _secondCases = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    private string Build => workspace.Planted ?? Reference;

    public FakeMutantRunner Tests(string milestone, params string[] names)
    {
        _tests[milestone] = names;
        return this;
    }

    /// <summary>With <paramref name="mutant"/> planted (null: on the reference), under <paramref name="seed"/>, <paramref name="test"/> ends with <paramref name="outcome"/>.</summary>
    public FakeMutantRunner Ends(string? mutant, int seed, string test, TestOutcome outcome = TestOutcome.Failed)
    {
        var key = (mutant ?? Reference, seed);
        if (!_outcomes.TryGetValue(key, out var outcomes))
        {
            _outcomes[key] = outcomes = new Dictionary<string, TestOutcome>(StringComparer.Ordinal);
        }

        outcomes[test] = outcome;
        return this;
    }

    /// <summary>Reports a second, passing result under <paramref name="test"/>'s name in every run (a theory run as one case).</summary>
    public FakeMutantRunner WithPassingSecondCase(string test)
    {
        _secondCases.Add(test);
        return this;
    }

    public FakeMutantRunner FailsToBuild(string? mutant)
    {
        _brokenBuilds.Add(mutant ?? Reference);
        return this;
    }

    BuildOutcome ITestRunner.Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        Calls.Add($"build {Build} ({settings.Label}): {string.Join(" ", milestones.Select(m => m.Id))}");
        var broken = _brokenBuilds.Contains(Build);
        return new BuildOutcome(!broken, broken ? "Peer.Apply.cs(3,1): error CS1002: ; expected" : "", TimeSpan.Zero);
    }

    public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null) =>
        throw new NotSupportedException("the mutant check runs listings");

    public TestListing List(TestSelection selection, BuildSettings settings)
    {
        Calls.Add($"list {selection.Filter} on {Build}");
        var tests = selection.Milestones
            .SelectMany(m => _tests.GetValueOrDefault(m.Id, []).Select(name => new ListedTest(m, "Tests.csproj", "/scratch/Tests.dll", "TinyKv.Tests." + name)))
            .ToList();
        return new TestListing(selection, tests, []);
    }

    public SelectionRun Run(TestListing listing, IReadOnlyDictionary<string, string> environment, IProgress<TestProgress>? progress = null, Func<TestResult, bool>? stopAt = null)
    {
        var seed = int.Parse(environment[MutantCheck.SeedVariable], System.Globalization.CultureInfo.InvariantCulture);
        Calls.Add($"run {listing.Selection.Filter} on {Build} under seed {seed}");
        var outcomes = _outcomes.GetValueOrDefault((Build, seed)) ?? [];
        var results = new List<TestResult>();
        foreach (var test in listing.Tests)
        {
            var result = new TestResult(test.Milestone.Id, test.Name, outcomes.GetValueOrDefault(test.Name, TestOutcome.Passed), TimeSpan.Zero, "");
            results.Add(result);
            if (!result.IsPassed && stopAt?.Invoke(result) == true)
            {
                // As the real runner does: the rest of the run has no result.
                Calls.Add($"stopped at {test.Name}");
                return new SelectionRun(results, [], TimeSpan.Zero);
            }
        }

        results.AddRange(listing.Tests
            .Where(t => _secondCases.Contains(t.Name))
            .Select(t => new TestResult(t.Milestone.Id, t.Name, TestOutcome.Passed, TimeSpan.Zero, "")));
        return new SelectionRun(results, [], TimeSpan.Zero);
    }
}
