using TinyKv.Course.Manifest;

namespace TinyKv.Course.Running;

/// <summary>A trait a test must carry to be selected, such as <c>Simulated=true</c>.</summary>
/// <param name="Name">The trait's name.</param>
/// <param name="Value">The value it must have.</param>
public sealed record TestTrait(string Name, string Value)
{
    /// <summary>
    /// The trait of a test whose run is fully determined by <c>TINYKV_SEED</c>
    /// (<c>[Simulated]</c> in the test kit).
    /// </summary>
    public static TestTrait Simulated { get; } = new("Simulated", "true");

    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}

/// <summary>
/// Which tests a run picks: the graded tests of some milestones that also carry
/// <paramref name="Trait"/>, and of those only the one named <paramref name="DisplayName"/>, if given.
/// </summary>
/// <param name="Milestones">The milestones whose graded tests (trait <c>Milestone</c>) are candidates, in course order.</param>
/// <param name="Trait">A further trait every selected test carries; null for none.</param>
/// <param name="DisplayName">The display name of the one test to pick; null for every test.</param>
public sealed record TestSelection(IReadOnlyList<MilestoneSpec> Milestones, TestTrait? Trait = null, string? DisplayName = null)
{
    /// <summary>The vstest filter for this selection, e.g. <c>(Milestone=2B|Milestone=4C)&amp;Simulated=true</c>.</summary>
    public string Filter => VsTestFilter.Select([.. Milestones.Select(m => m.Id)], Trait, DisplayName);
}

/// <summary>One test a listing found.</summary>
/// <param name="Milestone">The milestone it is graded in.</param>
/// <param name="Project">The test project that holds it, as the manifest names it.</param>
/// <param name="Assembly">The project's built test assembly.</param>
/// <param name="DisplayName">The name vstest shows: namespace, class, method and theory arguments.</param>
public sealed record ListedTest(MilestoneSpec Milestone, string Project, string Assembly, string DisplayName)
{
    /// <summary>Class and method (and theory arguments), without the namespace: the name results use.</summary>
    public string Name => TrxReport.DisplayName("", DisplayName);
}

/// <summary>The tests a selection picks on a build, and what kept some from being listed.</summary>
/// <param name="Selection">What was asked for.</param>
/// <param name="Tests">The tests found, by milestone in course order, then by display name.</param>
/// <param name="Problems">Projects whose assembly is missing or could not be listed.</param>
public sealed record TestListing(TestSelection Selection, IReadOnlyList<ListedTest> Tests, IReadOnlyList<string> Problems);

/// <summary>The results of one run over a listing's tests.</summary>
/// <param name="Tests">A result per test that reported one, by milestone in course order, then by name.</param>
/// <param name="Problems">What went wrong around the tests: a test host crash, a run that reported nothing.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record SelectionRun(IReadOnlyList<TestResult> Tests, IReadOnlyList<string> Problems, TimeSpan Elapsed);
