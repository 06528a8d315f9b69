using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>
/// What a failed build means for grading: the build's error lines are shown, and each selected
/// milestone gets one failed entry in place of the tests that could not run.
/// </summary>
public static class BuildFailure
{
    private const int MaxLines = 30;

    /// <summary>
    /// The lines of <paramref name="buildOutput"/> that report errors (MSBuild's
    /// <c>file(line,col): error CODE: text</c>), each once; the output's last lines when none match.
    /// </summary>
    public static string ErrorLines(string buildOutput)
    {
        ArgumentNullException.ThrowIfNull(buildOutput);
        var lines = buildOutput.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var errors = lines.Where(IsError).Distinct(StringComparer.Ordinal).Take(MaxLines).ToList();
        return errors.Count > 0
            ? string.Join('\n', errors)
            : string.Join('\n', lines.Where(l => l.Length > 0).TakeLast(MaxLines));
    }

    /// <summary>The run recorded for <paramref name="milestone"/> when the build failed: one failed entry, no points.</summary>
    public static MilestoneRun RunFor(MilestoneSpec milestone, string errorLines)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var test = new TestResult(milestone.Id, "build", TestOutcome.Failed, TimeSpan.Zero, "the build failed:\n" + errorLines);
        return new MilestoneRun(milestone, [test], ["the build failed"], TimeSpan.Zero);
    }

    private static bool IsError(string line) =>
        line.Contains(": error ", StringComparison.Ordinal) || line.StartsWith("error ", StringComparison.Ordinal);
}
