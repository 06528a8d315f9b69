using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Checks;

/// <summary>
/// Checks the course milestone by milestone. Built with <c>ReferenceThrough</c> = the milestone
/// before M (M's own slots are stubs), every graded test of M fails: none passes vacuously, none
/// hangs. Built as the full reference, every one passes. A test that passes on its own stubs
/// has the wrong tag or guards a slot in the wrong place.
/// </summary>
/// <param name="runner">Builds and runs the tests.</param>
/// <param name="onStep">Told of each build and run as it starts (e.g. to print "building reference …").</param>
public sealed class CourseVerifier(ITestRunner runner, Action<string>? onStep = null)
{
    /// <summary>The full reference build.</summary>
    public static BuildSettings Reference { get; } = new("Reference", null);

    /// <summary>
    /// Verifies the available milestones among <paramref name="milestones"/>, in course order.
    /// Each distinct build is made once: the stub build of each milestone, then one reference
    /// build for all of them (builds share one output tree, so each build's runs follow it at once).
    /// </summary>
    /// <param name="milestones">The milestones to check; unavailable ones are skipped.</param>
    /// <param name="report">Called with each milestone's verdict as soon as it is known.</param>
    public IReadOnlyList<MilestoneVerification> Verify(IReadOnlyList<MilestoneSpec> milestones, Action<MilestoneVerification>? report = null)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        var available = milestones
            .Where(m => m.Available)
            .OrderBy(m => Milestones.OrdinalOf(m.Id))
            .ToList();
        var stubRuns = available.Select(m => BuildAndRun([m], StubSettings(m))[0]).ToList();
        var referenceRuns = available.Count == 0 ? [] : BuildAndRun(available, Reference);
        var verdicts = new List<MilestoneVerification>();
        for (var i = 0; i < available.Count; i++)
        {
            var milestone = available[i];
            var (stubBuild, stubRun) = stubRuns[i];
            var (referenceBuild, referenceRun) = referenceRuns[i];
            var verdict = new MilestoneVerification(milestone, stubRun, referenceRun, Defects(stubBuild, stubRun, referenceBuild, referenceRun));
            report?.Invoke(verdict);
            verdicts.Add(verdict);
        }

        return verdicts;
    }

    /// <summary>Builds once with <paramref name="settings"/>, then runs each milestone's tests on that build.</summary>
    private List<(BuildOutcome Build, MilestoneRun Run)> BuildAndRun(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        onStep?.Invoke($"building {settings.Label} for {string.Join(", ", milestones.Select(m => m.Id))} …");
        var build = runner.Build(milestones, settings);
        return [.. milestones.Select(m =>
        {
            if (!build.Succeeded)
            {
                return (build, NotBuilt(m, build));
            }

            onStep?.Invoke($"running {m.Id}'s tests on {settings.Label} …");
            return (build, runner.Run(m, settings));
        })];
    }

    /// <summary>The build in which <paramref name="milestone"/>'s own slots are stubs and every earlier one is done.</summary>
    public static BuildSettings StubSettings(MilestoneSpec milestone)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        return new BuildSettings("Student", Milestones.Previous(milestone.Id));
    }

    /// <summary>The rules a milestone's two runs break.</summary>
    public static IReadOnlyList<string> Defects(BuildOutcome stubBuild, MilestoneRun stubRun, BuildOutcome referenceBuild, MilestoneRun referenceRun)
    {
        ArgumentNullException.ThrowIfNull(stubBuild);
        ArgumentNullException.ThrowIfNull(stubRun);
        ArgumentNullException.ThrowIfNull(referenceBuild);
        ArgumentNullException.ThrowIfNull(referenceRun);
        var defects = new List<string>();
        if (!stubBuild.Succeeded)
        {
            defects.Add($"the stub build ({stubRun.Milestone.Id}'s slots unwritten) does not compile:\n{Errors(stubBuild.Output)}");
        }
        else
        {
            if (stubRun.Total == 0)
            {
                defects.Add(NoTests("stub", stubRun));
            }

            defects.AddRange(stubRun.Tests.Where(t => t.Outcome == TestOutcome.Passed).Select(t => $"{t.Name} passes on its own stubs"));
            defects.AddRange(stubRun.Tests.Where(t => t.Outcome == TestOutcome.TimedOut).Select(t => $"{t.Name} hangs on its stubs"));
            defects.AddRange(stubRun.Tests.Where(t => t.Outcome == TestOutcome.Crashed).Select(t => $"{t.Name} crashes the test host on its stubs"));
        }

        if (!referenceBuild.Succeeded)
        {
            defects.Add($"the reference build does not compile:\n{Errors(referenceBuild.Output)}");
        }
        else
        {
            if (referenceRun.Total == 0)
            {
                defects.Add(NoTests("reference", referenceRun));
            }

            defects.AddRange(referenceRun.Tests.Where(t => !t.IsPassed).Select(t => $"{t.Name} fails on the reference ({t.Outcome})"));
            if (stubBuild.Succeeded && stubRun.Total != referenceRun.Total)
            {
                defects.Add($"the stub build has {stubRun.Total} graded tests, the reference {referenceRun.Total}");
            }
        }

        return defects;
    }

    private static string NoTests(string build, MilestoneRun run) =>
        $"no graded tests were found on the {build} build" + (run.Problems.Count == 0 ? "" : ": " + string.Join("; ", run.Problems));

    private static MilestoneRun NotBuilt(MilestoneSpec milestone, BuildOutcome build) =>
        new(milestone, [], ["the build failed"], build.Elapsed);

    /// <summary>The compiler's error lines, or the end of the output when there are none.</summary>
    private static string Errors(string output)
    {
        var errors = output.Split('\n').Where(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).Take(10).ToList();
        return string.Join('\n', errors.Count > 0 ? errors : output.Split('\n').TakeLast(10)).Trim();
    }
}
