using System.Globalization;
using System.Text;
using TinyKv.Course.Running;
using TinyKv.Grader.Seeds;

namespace TinyKv.Grader.Reports;

/// <summary>
/// The table of <c>grader --seeds N</c>: one row per simulated test with its runs, passes,
/// failures, pass rate and verdict, a total, then how to replay each failure.
/// </summary>
public static class SeedTableReport
{
    private static readonly string[] s_header = ["milestone", "test", "runs", "passed", "failed", "pass rate", "verdict"];

    /// <summary>Renders the table of <paramref name="report"/>.</summary>
    public static string Render(SeedReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<string[]> { s_header };
        rows.AddRange(report.Tests.Select(test => new[]
        {
            test.Milestone,
            test.Name,
            Count(test.Runs.Count),
            Count(test.Passed),
            Count(test.Failed),
            Rate(test.PassRate),
            Verdict(test),
        }));
        var runs = report.Tests.Sum(t => t.Runs.Count);
        var passed = report.Tests.Sum(t => t.Passed);
        rows.Add(
        [
            "total",
            $"{Count(report.Tests.Count)} tests, {SeedSweep.Describe(report.Seeds)}, edition: {report.Edition}",
            Count(runs),
            Count(passed),
            Count(runs - passed),
            runs == 0 ? "-" : Rate((double)passed / runs),
            $"{Count(report.Passed)} pass, {Count(Of(report, SeedVerdict.Fail))} fail, {Count(Of(report, SeedVerdict.Flaky))} flaky",
        ]);

        var text = new StringBuilder(TextTable.Render(rows, ruleAboveLastRow: true));
        foreach (var id in report.NotAvailable)
        {
            text.Append($"{id}: not available yet\n");
        }

        foreach (var problem in report.Problems)
        {
            text.Append($"{problem.Split('\n')[0]}\n");
        }

        if (report.BuildError is not null)
        {
            text.Append("the build failed; nothing ran\n");
        }

        foreach (var test in report.Tests.Where(t => t.FirstFailure is not null))
        {
            var failure = test.FirstFailure!;
            var why = failure.Result switch
            {
                null => "no result",
                { Outcome: TestOutcome.TimedOut } timedOut => FirstLine(timedOut.Output),
                var result => FirstLine(Reports.Explain(result, 0)),
            };
            text.Append($"{test.Name} failed with seed {Count(failure.Seed)}: {why}\n");
            text.Append($"  replay: grader replay {ShellWord(test.Name)} --seed {Count(failure.Seed)}\n");
        }

        return text.ToString();
    }

    /// <summary>"pass", "fail", or "flaky (fails with seed 4)".</summary>
    internal static string Verdict(SeededTest test) => test.Verdict switch
    {
        SeedVerdict.Pass => "pass",
        SeedVerdict.Fail => "fail",
        _ => $"flaky (fails with seed {Count(test.FirstFailure!.Seed)})",
    };

    /// <summary>A test name as one word of a shell command line: quoted when it holds anything but name characters.</summary>
    internal static string ShellWord(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c is '_' or '.')
            ? name
            : "'" + name.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static int Of(SeedReport report, SeedVerdict verdict) => report.Tests.Count(t => t.Verdict == verdict);

    private static string FirstLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[0];

    private static string Rate(double rate) => (rate * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
