using System.Globalization;
using System.Text;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Reports;

/// <summary>The score table as plain text: one row per milestone, a total, then what went wrong around the tests.</summary>
public static class TableReport
{
    private static readonly string[] s_header = ["milestone", "title", "passed", "points", "not started", "timed out/crashed"];

    /// <summary>Renders the score table of <paramref name="report"/>.</summary>
    public static string Render(GradeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<string[]> { s_header };
        rows.AddRange(report.Runs.Select(run => new[]
        {
            run.Milestone.Id,
            run.Milestone.Title,
            $"{run.Passed}/{run.Total}",
            $"{Reports.Number(run.Score)}/{Reports.Number(run.Milestone.Points)}",
            Count(run.NotStarted),
            Count(HungOrCrashed(run)),
        }));
        rows.Add(
        [
            "total",
            $"edition: {report.Edition}",
            $"{report.Passed}/{report.Passed + report.Failed}",
            $"{Reports.Number(report.Score)}/{Reports.Number(report.MaxScore)}",
            Count(report.Runs.Sum(r => r.NotStarted)),
            Count(report.Runs.Sum(HungOrCrashed)),
        ]);

        var text = new StringBuilder(TextTable.Render(rows, ruleAboveLastRow: true));
        foreach (var id in report.NotAvailable)
        {
            text.Append($"{id}: not available yet\n");
        }

        foreach (var run in report.Runs)
        {
            foreach (var problem in run.Problems)
            {
                text.Append($"{run.Milestone.Id}: {problem.Split('\n')[0]}\n");
            }
        }

        if (report.BuildError is not null)
        {
            text.Append("the build failed; every selected test counts as failed\n");
        }

        foreach (var line in SubmissionText.Lines(report))
        {
            text.Append(line).Append('\n');
        }

        foreach (var line in HintLines(report))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The hints of the failed tests, one line per milestone and signature: how many tests it
    /// concerns, the first of them, the hint for it and where to read.
    /// </summary>
    private static IEnumerable<string> HintLines(GradeReport report) =>
        from run in report.Runs
        let hinted = run.Tests.Select(test => (test, hint: report.Hints.For(test))).Where(h => h.hint is not null).ToList()
        from sameSignature in hinted.GroupBy(h => h.hint!.Signature.Id)
        let first = sameSignature.First()
        let more = sameSignature.Count() - 1
        select $"{run.Milestone.Id} {first.test.Name}{(more > 0 ? $" (and {Count(more)} more)" : "")}: {first.hint}";

    private static int HungOrCrashed(MilestoneRun run) => run.Tests.Count(t => t.Outcome is TestOutcome.TimedOut or TestOutcome.Crashed);

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
