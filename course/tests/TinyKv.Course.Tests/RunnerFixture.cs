using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Tests;

/// <summary>
/// The fixture project the runner's tests run (course/tests/fixtures/Fixture.Tests), built once
/// for all of them: their classes run side by side, and two builds of one project at once would
/// collide in its obj folder.
/// </summary>
internal static class RunnerFixture
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);

    /// <summary>
    /// Milestone 1 as the fixture project: 15 s per test, generous enough that a passing case
    /// never times out while a loaded machine starts the test host, short enough that the hanging
    /// cases cost little. A test takes other ids from it to pick the fixture's other classes.
    /// </summary>
    public static MilestoneSpec Milestone { get; } = new("1", "Fixture", 1, 6, 15, true, ["course/tests/fixtures/Fixture.Tests/Fixture.Tests.csproj"], []);

    private static readonly Lazy<BuildOutcome> s_build = new(
        () => new DotnetTestRunner(Root).Build([Milestone], BuildSettings.AsIs),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// A runner of the repository once the fixture project is built (the first call builds it);
    /// fails the test when it does not build.
    /// </summary>
    public static DotnetTestRunner BuiltRunner()
    {
        var build = s_build.Value;
        build.Succeeded.Should().BeTrue(build.Output);
        return new DotnetTestRunner(Root);
    }
}
