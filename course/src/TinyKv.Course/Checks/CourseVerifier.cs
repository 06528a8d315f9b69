using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Checks;

/// <summary>
/// Checks the course milestone by milestone. Built with <c>ReferenceThrough</c> = the milestone
/// before M (M's own slots are stubs), every graded test of M fails: none passes vacuously, none
/// hangs. Built with <c>ReferenceThrough</c> = M (later slots still stubs), every one passes: a
/// student who has finished M sees its tests green. Built as the full reference, every one
/// passes. A test that passes on its own stubs has the wrong tag or guards a slot in the wrong
/// place; one that fails on the done build reaches a later milestone's stub.
/// </summary>
/// <param name="runner">Builds and runs the tests.</param>
/// <param name="onStep">Told of each build and run as it starts (e.g. to print "building reference …").</param>
public sealed class CourseVerifier(ITestRunner runner, Action<string>? onStep = null)
{
    /// <summary>The full reference build.</summary>
    public static BuildSettings Reference { get; } = new("Reference", null);

    /// <summary>
    /// Leave out the full reference build and its runs, for when the reference has just been
    /// graded on its own (CI runs <c>grader --edition reference</c> the step before). The stubs
    /// and done builds are still checked, and the stub build's test count is compared with the
    /// done build's; the last milestone, whose done build is the reference, is then checked on
    /// its stubs only.
    /// </summary>
    public bool SkipReference { get; init; }

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

        // Every build once, in course order. The stub build of a milestone is also the "done"
        // build of the milestone before it (its reference is in, later slots are stubs).
        var jobs = new List<(BuildSettings Settings, MilestoneSpec Milestone, bool Done)>();
        foreach (var milestone in available)
        {
            jobs.Add((StubSettings(milestone), milestone, false));
            if (DoneSettings(milestone) is { } done)
            {
                jobs.Add((done, milestone, true));
            }
        }

        var runs = new Dictionary<(string Id, bool Done), (BuildOutcome Build, MilestoneRun Run)>();
        foreach (var group in jobs.GroupBy(j => j.Settings).OrderBy(g => ThroughOrdinal(g.Key)))
        {
            var ordered = group.ToList();
            var results = BuildAndRun([.. ordered.Select(j => j.Milestone)], group.Key);
            for (var i = 0; i < ordered.Count; i++)
            {
                runs[(ordered[i].Milestone.Id, ordered[i].Done)] = results[i];
            }
        }

        var referenceRuns = SkipReference || available.Count == 0 ? null : BuildAndRun(available, Reference);
        var verdicts = new List<MilestoneVerification>();
        for (var i = 0; i < available.Count; i++)
        {
            var milestone = available[i];
            var (stubBuild, stubRun) = runs[(milestone.Id, false)];
            MilestoneRun? referenceRun = null;
            var defects = new List<string>();
            if (referenceRuns is null)
            {
                defects.AddRange(StubDefects(stubBuild, stubRun));
            }
            else
            {
                (var referenceBuild, referenceRun) = referenceRuns[i];
                defects.AddRange(Defects(stubBuild, stubRun, referenceBuild, referenceRun));
            }

            MilestoneRun? doneRun = null;
            if (runs.TryGetValue((milestone.Id, true), out var done))
            {
                doneRun = done.Run;
                defects.AddRange(DoneDefects(done.Build, done.Run));
                if (referenceRuns is null && stubBuild.Succeeded && done.Build.Succeeded && stubRun.Total != done.Run.Total)
                {
                    defects.Add($"the stub build has {stubRun.Total} graded tests, the build with the reference through {milestone.Id} {done.Run.Total}");
                }
            }

            var verdict = new MilestoneVerification(milestone, stubRun, referenceRun, defects) { DoneRun = doneRun };
            report?.Invoke(verdict);
            verdicts.Add(verdict);
        }

        return verdicts;
    }

    /// <summary>
    /// The build of a student who has just finished <paramref name="milestone"/>: its reference
    /// and every earlier one, the stubs of every later one. Null for the last milestone, whose
    /// done build is the reference.
    /// </summary>
    public static BuildSettings? DoneSettings(MilestoneSpec milestone)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        return milestone.Id == Milestones.All[^1] ? null : new BuildSettings("Student", milestone.Id);
    }

    /// <summary>
    /// The rules a milestone's done run breaks: each of its tests passes once the milestone is
    /// written, even though every later slot is still a stub.
    /// </summary>
    public static IReadOnlyList<string> DoneDefects(BuildOutcome doneBuild, MilestoneRun doneRun)
    {
        ArgumentNullException.ThrowIfNull(doneBuild);
        ArgumentNullException.ThrowIfNull(doneRun);
        if (!doneBuild.Succeeded)
        {
            return [$"the build with the reference through {doneRun.Milestone.Id} does not compile:\n{Errors(doneBuild.Output)}"];
        }

        return [.. doneRun.Tests.Where(t => !t.IsPassed).Select(t =>
            $"{t.Name} fails when the reference stops at {doneRun.Milestone.Id} ({t.Outcome}): a later milestone's stub is in its path")];
    }

    private static int ThroughOrdinal(BuildSettings settings) =>
        settings.ReferenceThrough is null ? 0 : Milestones.OrdinalOf(settings.ReferenceThrough);

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
        var defects = new List<string>(StubDefects(stubBuild, stubRun));
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

    /// <summary>The rules a milestone's stub run breaks: it builds, has tests, and none passes, hangs or crashes.</summary>
    private static List<string> StubDefects(BuildOutcome stubBuild, MilestoneRun stubRun)
    {
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
