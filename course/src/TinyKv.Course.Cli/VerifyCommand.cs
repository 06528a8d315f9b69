using TinyKv.Course.Checks;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Cli;

/// <summary>
/// <c>tinykv-course verify [milestones…]</c>: every graded test fails on its own milestone's
/// stubs, passes once its milestone is done (later slots still stubs) and passes on the reference. Each milestone is one check in the closing
/// <c>N passed, N failed</c> line.
/// </summary>
public static class VerifyCommand
{
    /// <summary>Verifies <paramref name="ids"/> (every available milestone when empty).</summary>
    /// <exception cref="UsageException">An id is not a milestone, or names one that is not available.</exception>
    public static int Run(CourseManifest manifest, IReadOnlyList<string> ids, ITestRunner runner, TextWriter output, bool skipReference = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(output);
        var chosen = Choose(manifest, ids);
        if (chosen.Count == 0)
        {
            throw new UsageException("no milestone is available to verify");
        }

        var verdicts = new CourseVerifier(runner, step => output.WriteLine(step)) { SkipReference = skipReference }.Verify(chosen, verdict => output.Write(Describe(verdict)));
        var held = verdicts.Count(v => v.Holds);
        output.WriteLine($"{held} passed, {verdicts.Count - held} failed");
        return held == verdicts.Count ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>One milestone's line, then its defects indented below it.</summary>
    public static string Describe(MilestoneVerification verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var stubs = verdict.StubRun;
        var reference = verdict.ReferenceRun;
        var lines = new List<string>
        {
            $"{verdict.Milestone.Id}  stubs: {stubs.Passed}/{stubs.Total} passed ({stubs.NotStarted} not started)  " +
            (verdict.DoneRun is { } done ? $"done: {done.Passed}/{done.Total} passed  " : "") +
            (reference is null ? "reference: not run  " : $"reference: {reference.Passed}/{reference.Total} passed  ") + (verdict.Holds ? "ok" : "DEFECTS"),
        };
        lines.AddRange(verdict.Defects.Select(d => "    - " + d.Replace("\n", "\n      ", StringComparison.Ordinal)));
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>The milestones <paramref name="ids"/> name, in the order given; every available one when empty.</summary>
    /// <exception cref="UsageException">An id is not a milestone, or names one that is not available.</exception>
    internal static List<MilestoneSpec> Choose(CourseManifest manifest, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return [.. manifest.Milestones.Where(m => m.Available)];
        }

        var chosen = new List<MilestoneSpec>();
        foreach (var id in ids.Select(i => i.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal))
        {
            var milestone = manifest.Milestones.FirstOrDefault(m => m.Id == id)
                ?? throw new UsageException($"'{id}' is not a milestone; use one of {string.Join(", ", manifest.Milestones.Select(m => m.Id))}");
            if (!milestone.Available)
            {
                throw new UsageException($"milestone {id} is not available yet; available: {string.Join(", ", manifest.Milestones.Where(m => m.Available).Select(m => m.Id))}");
            }

            chosen.Add(milestone);
        }

        return chosen;
    }
}
