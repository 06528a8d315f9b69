using System.Globalization;
using TinyKv.Course.Manifest;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader.Cli;

/// <summary>The text of <c>grader list</c>: every milestone of the course and whether it can be graded yet.</summary>
public static class MilestoneListing
{
    private static readonly string[] s_header = ["id", "title", "stage", "points", "time limit", "status"];

    /// <summary>One row per milestone, in course order.</summary>
    public static string Render(IReadOnlyList<MilestoneSpec> milestones)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        var rows = new List<string[]> { s_header };
        rows.AddRange(milestones.Select(m => new[]
        {
            m.Id,
            m.Title,
            m.Stage.ToString(CultureInfo.InvariantCulture),
            m.Points.ToString("0.##", CultureInfo.InvariantCulture),
            $"{m.TestTimeLimitSeconds.ToString(CultureInfo.InvariantCulture)} s per test",
            m.Available ? "available" : "not available yet",
        }));
        return TextTable.Render(rows, ruleAboveLastRow: false);
    }
}
