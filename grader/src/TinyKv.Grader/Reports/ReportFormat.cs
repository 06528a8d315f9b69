using System.Globalization;
using TinyKv.Course.Hints;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Reports;

/// <summary>The formats the grader writes its results in.</summary>
public enum ReportFormat
{
    /// <summary>The score table as plain text; the default (keep it the first value).</summary>
    Table,
    Json,
    Gradescope,
    Junit,
}

/// <summary>Turns a report into a format's text, and names the file it goes to by default.</summary>
public static class Reports
{
    /// <summary>Parses a --format value.</summary>
    /// <exception cref="ArgumentException">Not one of table, json, gradescope, junit.</exception>
    public static ReportFormat Parse(string text) => text?.Trim().ToUpperInvariant() switch
    {
        "TABLE" => ReportFormat.Table,
        "JSON" => ReportFormat.Json,
        "GRADESCOPE" => ReportFormat.Gradescope,
        "JUNIT" => ReportFormat.Junit,
        _ => throw new ArgumentException($"unknown format '{text}'; use table, json, gradescope or junit"),
    };

    /// <summary>The format's name on the command line.</summary>
    public static string NameOf(ReportFormat format) => format switch
    {
        ReportFormat.Json => "json",
        ReportFormat.Gradescope => "gradescope",
        ReportFormat.Junit => "junit",
        _ => "table",
    };

    /// <summary>The file a format is written to when --out is not given; null for the table (printed only).</summary>
    public static string? DefaultFile(ReportFormat format) => format switch
    {
        ReportFormat.Gradescope => "results.json",
        ReportFormat.Json => "grader-results.json",
        ReportFormat.Junit => "grader-results.xml",
        _ => null,
    };

    /// <summary>Renders <paramref name="report"/> in <paramref name="format"/>.</summary>
    public static string Render(GradeReport report, ReportFormat format) => format switch
    {
        ReportFormat.Json => JsonReport.Render(report),
        ReportFormat.Gradescope => GradescopeReport.Render(report),
        ReportFormat.Junit => JunitReport.Render(report),
        _ => TableReport.Render(report),
    };

    /// <summary>
    /// What a result's output says, in words, for a person reading a results file, followed by
    /// its hint when <paramref name="hints"/> has one for it.
    /// </summary>
    public static string Explain(TestResult test, int limitSeconds, FailureHints hints) =>
        hints.For(test) is { } hint ? $"{Explain(test, limitSeconds)}\n\n{hint}" : Explain(test, limitSeconds);

    /// <summary>What a result's output says, in words, for a person reading a results file.</summary>
    public static string Explain(TestResult test, int limitSeconds) => test.Outcome switch
    {
        TestOutcome.Passed => "",
        TestOutcome.NotStarted => "not started: " + FromTodo(test.Output),
        TestOutcome.TimedOut => $"timed out after {limitSeconds} s",
        TestOutcome.Crashed => test.Output.Length > 0 ? test.Output : "the test host crashed while this test ran",
        _ => test.Output,
    };

    /// <summary>
    /// The output of a not-started test from its <c>TODO(milestone): …</c> message on, without the
    /// exception's type name in front of it; the output as it is when there is no such message.
    /// </summary>
    private static string FromTodo(string output)
    {
        var todo = output.IndexOf("TODO(", StringComparison.Ordinal);
        var firstLineEnd = output.IndexOf('\n', StringComparison.Ordinal);
        return todo >= 0 && (firstLineEnd < 0 || todo < firstLineEnd) ? output[todo..] : output;
    }

    internal static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
