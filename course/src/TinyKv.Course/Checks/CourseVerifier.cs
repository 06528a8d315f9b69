using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Checks;

/// <summary>How one milestone fared in <c>course verify</c>.</summary>
/// <param name="Milestone">The milestone.</param>
/// <param name="StubRun">Its tests built with the reference of every earlier milestone only (its own slots are stubs).</param>
/// <param name="ReferenceRun">Its tests built as the full reference.</param>
/// <param name="Defects">What breaks the course's rules; empty when the milestone is sound.</param>
public sealed record MilestoneVerification(MilestoneSpec Milestone, MilestoneRun StubRun, MilestoneRun ReferenceRun, IReadOnlyList<string> Defects)
{
    public bool Holds => Defects.Count == 0;
}

/// <summary>
/// Checks the course milestone by milestone: built with <c>ReferenceThrough</c> = the milestone
/// before M, every graded test of M fails (none passes vacuously, none hangs); built as the
/// reference, every one passes. A test that passes on its own milestone's stubs has the wrong
/// tag or a slot in the wrong place.
/// </summary>
public sealed class CourseVerifier(ITestRunner runner)
{
    /// <summary>Verifies <paramref name="milestones"/> (available ones only), in course order.</summary>
    /// <param name="milestones">The milestones to check; unavailable ones are skipped.</param>
    /// <param name="report">Called with each milestone's verdict as soon as it is known.</param>
    public IReadOnlyList<MilestoneVerification> Verify(IReadOnlyList<MilestoneSpec> milestones, Action<MilestoneVerification>? report = null)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        var available = milestones.Where(m => m.Available).ToList();
        var reference = new BuildSettings("Reference", null);
        var verdicts = new List<MilestoneVerification>();
        foreach (var milestone in available)
        {
            // Builds share one output tree, so each run follows its own build at once.
            var stubs = StubSettings(milestone);
            var stubBuild = runner.Build([milestone], stubs);
            var stubRun = stubBuild.Succeeded ? runner.Run(milestone, stubs) : Failed(milestone, stubBuild);
            var referenceBuild = runner.Build([milestone], reference);
            var referenceRun = referenceBuild.Succeeded ? runner.Run(milestone, reference) : Failed(milestone, referenceBuild);
            var verdict = new MilestoneVerification(milestone, stubRun, referenceRun, Defects(stubBuild, stubRun, referenceBuild, referenceRun));
            report?.Invoke(verdict);
            verdicts.Add(verdict);
        }

        return verdicts;
    }

    /// <summary>The build in which <paramref name="milestone"/>'s own slots are stubs and every earlier one is done.</summary>
    public static BuildSettings StubSettings(MilestoneSpec milestone)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var previous = Milestones.Previous(milestone.Id);
        return previous is null ? new BuildSettings("Student", null) : new BuildSettings("Student", previous);
    }

    private static List<string> Defects(BuildOutcome stubBuild, MilestoneRun stubRun, BuildOutcome referenceBuild, MilestoneRun referenceRun)
    {
        var defects = new List<string>();
        if (!stubBuild.Succeeded)
        {
            defects.Add("the stub build does not compile");
        }

        if (!referenceBuild.Succeeded)
        {
            defects.Add("the reference build does not compile");
        }

        if (stubBuild.Succeeded && stubRun.Total == 0)
        {
            defects.Add("no graded tests were found on the stub build");
        }

        defects.AddRange(stubRun.Tests.Where(t => t.Outcome == TestOutcome.Passed).Select(t => $"{t.Name} passes on its own stubs"));
        defects.AddRange(stubRun.Tests.Where(t => t.Outcome == TestOutcome.TimedOut).Select(t => $"{t.Name} hangs on its stubs"));
        defects.AddRange(referenceRun.Tests.Where(t => !t.IsPassed).Select(t => $"{t.Name} fails on the reference ({t.Outcome})"));
        if (referenceBuild.Succeeded && referenceRun.Total != stubRun.Total && stubBuild.Succeeded)
        {
            defects.Add($"the stub build has {stubRun.Total} graded tests, the reference {referenceRun.Total}");
        }

        return defects;
    }

    private static MilestoneRun Failed(MilestoneSpec milestone, BuildOutcome build) =>
        new(milestone, [], ["build failed:\n" + build.Output], build.Elapsed);
}
