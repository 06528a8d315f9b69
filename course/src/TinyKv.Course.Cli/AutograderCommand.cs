using TinyKv.Course.Autograder;
using TinyKv.Course.Manifest;

namespace TinyKv.Course.Cli;

/// <summary>
/// <c>tinykv-course autograder [--out FILE] [--visibility WHEN|MILESTONE=WHEN…] [--milestones IDS…]</c>: writes the
/// Gradescope autograder bundle of the repository (<see cref="AutograderBundle"/>).
/// </summary>
public static class AutograderCommand
{
    /// <summary>The bundle's file when --out is not given.</summary>
    public const string DefaultFile = "autograder.zip";

    /// <summary>Writes the bundle of <paramref name="repository"/> to <paramref name="zipPath"/>.</summary>
    /// <exception cref="UsageException">The visibility or a milestone is unknown, a milestone is not available, or the repository cannot be bundled.</exception>
    public static int Run(CourseManifest manifest, string repository, string zipPath, IReadOnlyList<string> visibility, IReadOnlyList<string> milestones, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(visibility);
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(output);
        TestVisibility when;
        try
        {
            when = TestVisibility.Parse(visibility, [.. manifest.Milestones.Select(m => m.Id)]);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        var chosen = milestones.Count == 0 ? [] : VerifyCommand.Choose(manifest, milestones).Select(m => m.Id).ToList();
        var result = AutograderBundle.Write(repository, zipPath, new AutograderSettings(when, chosen));
        output.WriteLine($"wrote {result.Path}: setup.sh, run_autograder and {result.TreeFiles} files of the tree at {result.Commit}{(result.Dirty ? " (with uncommitted changes)" : "")}");
        output.WriteLine($"grades {(chosen.Count == 0 ? "every available milestone" : "milestones " + string.Join(' ', chosen))}; students see the tests {when}");
        return ExitCodes.Success;
    }
}
