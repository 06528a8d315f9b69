using System.Text;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Reports;

/// <summary>The score table as plain text: one row per milestone and a total.</summary>
public static class TableReport
{
    private static readonly string[] s_header = ["milestone", "title", "passed", "points", "not started", "hung/crashed"];

    public static string Render(GradeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<string[]> { s_header };
        foreach (var run in report.Runs)
        {
            rows.Add(
            [
                run.Milestone.Id,
                run.Milestone.Title,
                $"{run.Passed}/{run.Total}",
                $"{Reports.Number(run.Score)}/{Reports.Number(run.Milestone.Points)}",
                run.NotStarted.ToString(System.Globalization.CultureInfo.InvariantCulture),
                run.Tests.Count(t => t.Outcome is TestOutcome.TimedOut or TestOutcome.Crashed).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ]);
        }

        rows.Add(
        [
            "total",
            $"edition: {report.Edition}",
            $"{report.Passed}/{report.Passed + report.Failed}",
            $"{Reports.Number(report.Score)}/{Reports.Number(report.MaxScore)}",
            report.Runs.Sum(r => r.NotStarted).ToString(System.Globalization.CultureInfo.InvariantCulture),
            report.Runs.Sum(r => r.Tests.Count(t => t.Outcome is TestOutcome.TimedOut or TestOutcome.Crashed)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            if (i == 1 || i == rows.Count - 1)
            {
                text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }

            text.AppendLine(string.Join("  ", rows[i].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        foreach (var id in report.NotAvailable)
        {
            text.AppendLine($"{id}: not available yet");
        }

        foreach (var run in report.Runs)
        {
            foreach (var problem in run.Problems)
            {
                text.AppendLine($"{run.Milestone.Id}: {problem.Split('\n')[0]}");
            }
        }

        if (report.BuildError is not null)
        {
            text.AppendLine("the build failed; every selected test counts as failed");
        }

        return text.ToString();
    }
}
