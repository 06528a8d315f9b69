using TinyKv.Course.Manifest;

namespace TinyKv.Course.Running;

/// <summary>
/// Builds the repository in one edition and runs a milestone's graded tests in child
/// processes. The grader and <c>course verify</c> both go through it.
/// </summary>
public interface ITestRunner
{
    /// <summary>
    /// Builds the test projects of <paramref name="milestones"/> with <paramref name="settings"/>.
    /// Returns the build's outcome; never throws for a failed build.
    /// </summary>
    BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings);

    /// <summary>
    /// Runs every graded test of <paramref name="milestone"/> (trait <c>Milestone=id</c>) on the
    /// build made by <see cref="Build"/> with the same <paramref name="settings"/>. A test past
    /// the milestone's time limit is stopped and counted as timed out, a test host crash is
    /// recorded against the test that was running, and the remaining tests still run.
    /// </summary>
    MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null);

    /// <summary>
    /// Lists the tests <paramref name="selection"/> picks on the build made by <see cref="Build"/>
    /// with the same <paramref name="settings"/>. A project that cannot be listed is a problem of
    /// the listing, not an exception.
    /// </summary>
    TestListing List(TestSelection selection, BuildSettings settings);

    /// <summary>
    /// Runs the tests of <paramref name="listing"/> in one test run over all their assemblies,
    /// with <paramref name="environment"/> added to the test processes' environment (for
    /// <c>TINYKV_SEED</c>). As in <see cref="Run(MilestoneSpec, BuildSettings, IProgress{TestProgress})"/>,
    /// each test may run for its own milestone's time limit, and a hang or a crash costs only
    /// the test that caused it.
    /// </summary>
    /// <param name="listing">The tests to run.</param>
    /// <param name="environment">Added to the test processes' environment.</param>
    /// <param name="progress">Told of each test as it finishes.</param>
    /// <param name="stopAt">
    /// Asked about each test that does not pass (failed, timed out, crashed), as soon as the run
    /// knows of it; when it answers true the run stops there: the test host is killed and the
    /// results hold that test (as failed, with a short message, when only the console had told
    /// of it) and what earlier hosts of the run reported; the rest have no result. Null: the run
    /// goes to the end.
    /// </param>
    SelectionRun Run(
        TestListing listing,
        IReadOnlyDictionary<string, string> environment,
        IProgress<TestProgress>? progress = null,
        Func<TestResult, bool>? stopAt = null);
}

/// <summary>Whether a build succeeded, and its output when it did not.</summary>
public sealed record BuildOutcome(bool Succeeded, string Output, TimeSpan Elapsed);

/// <summary>Progress of a milestone's run: a test finished.</summary>
/// <param name="Milestone">The milestone id.</param>
/// <param name="Completed">Tests finished so far in this milestone.</param>
/// <param name="Total">Tests in the milestone, when known (0 until discovery finished).</param>
/// <param name="Last">The test that just finished, if any.</param>
public sealed record TestProgress(string Milestone, int Completed, int Total, TestResult? Last);
