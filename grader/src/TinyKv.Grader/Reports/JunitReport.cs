using System.Globalization;
using System.Xml.Linq;
using TinyKv.Course.Hints;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Reports;

/// <summary>JUnit XML: one test suite per milestone, a failure element for every test that did not pass.</summary>
public static class JunitReport
{
    public static string Render(GradeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var suites = new XElement(
            "testsuites",
            new XAttribute("name", $"TinyKV grader ({report.Edition})"),
            new XAttribute("tests", report.Passed + report.Failed),
            new XAttribute("failures", report.Failed),
            new XAttribute("time", Seconds(report.Finished - report.Started)),
            report.Runs.Select(run => Suite(run, Properties(report), report.Hints)));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
        return $"{document.Declaration}\n{document}\n";
    }

    /// <summary>The submission and stamp as a properties element, repeated in every suite (JUnit has no place for them on the root); null when there are none.</summary>
    private static XElement? Properties(GradeReport report)
    {
        var properties = SubmissionText.Properties(report).ToList();
        return properties.Count == 0
            ? null
            : new XElement("properties", properties.Select(p => new XElement("property", new XAttribute("name", p.Key), new XAttribute("value", p.Value))));
    }

    private static XElement Suite(MilestoneRun run, XElement? properties, FailureHints hints) => new(
        "testsuite",
        new XAttribute("name", $"Milestone {run.Milestone.Id}"),
        new XAttribute("tests", run.Total),
        new XAttribute("failures", run.Failed),
        new XAttribute("time", Seconds(run.Elapsed)),
        properties is null ? null : new XElement(properties),
        run.Tests.Select(test => new XElement(
            "testcase",
            new XAttribute("classname", $"Milestone{run.Milestone.Id}.{ClassOf(test.Name)}"),
            new XAttribute("name", test.Name),
            new XAttribute("time", Seconds(test.Duration)),
            test.IsPassed ? null : Failure(test, Reports.Explain(test, run.Milestone.TestTimeLimitSeconds, hints)))));

    /// <summary>A failure element: the explanation's first line as its message, all of it as its text.</summary>
    private static XElement Failure(TestResult test, string explanation)
    {
        var message = FirstLine(explanation);
        return new XElement(
            "failure",
            new XAttribute("message", message.Length > 0 ? message : test.Outcome.ToString()),
            new XAttribute("type", test.Outcome.ToString()),
            explanation);
    }

    private static string ClassOf(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
