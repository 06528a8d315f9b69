using System.Globalization;
using TinyKv.Course.Autograder;

namespace TinyKv.Grader.Reports;

/// <summary>
/// Gradescope's autograder <c>results.json</c>: the total score, its maximum, the time taken, and
/// one entry per test with its share of the milestone's points, in course order and then by name.
/// Test scores keep four decimals so that they add up to the total. The top-level
/// <c>visibility</c> is every test's; each test carries its own (its milestone's in
/// <see cref="GradeReport.Visibility"/>), its milestone as a tag, and an <c>output</c> saying why it
/// failed, with its hint.
/// </summary>
public static class GradescopeReport
{
    public static string Render(GradeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("score", Math.Round(report.Score, 2));
            json.WriteNumber("max_score", Math.Round(report.MaxScore, 2));
            json.WriteNumber("execution_time", Math.Round((report.Finished - report.Started).TotalSeconds, 1));
            json.WriteString("output", Summary(report));
            json.WriteString("visibility", TestVisibility.NameOf(report.Visibility.Default));
            json.WriteStartArray("tests");
            foreach (var run in report.Runs)
            {
                var number = 0;
                var visibility = TestVisibility.NameOf(report.Visibility.For(run.Milestone.Id));
                foreach (var test in run.Tests.OrderBy(t => t.Name, StringComparer.Ordinal))
                {
                    number++;
                    json.WriteStartObject();
                    json.WriteString("name", $"{run.Milestone.Id} › {test.Name}");
                    json.WriteString("number", $"{run.Milestone.Id}.{number.ToString(CultureInfo.InvariantCulture)}");
                    json.WriteNumber("score", Math.Round(test.IsPassed ? run.PointsPerTest : 0, 4));
                    json.WriteNumber("max_score", Math.Round(run.PointsPerTest, 4));
                    json.WriteString("status", test.IsPassed ? "passed" : "failed");
                    json.WriteString("output", Reports.Explain(test, run.Milestone.TestTimeLimitSeconds, report.Hints));
                    json.WriteString("visibility", visibility);
                    json.WriteStartArray("tags");
                    json.WriteStringValue(run.Milestone.Id);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            if (report.Submission is not null || report.Stamp is not null)
            {
                // Gradescope keeps extra_data with the submission's results, unread by its pages.
                json.WriteStartObject("extra_data");
                SubmissionText.WriteJson(json, report);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        });
    }

    private static string Summary(GradeReport report)
    {
        var lines = report.Runs.Select(r => $"{r.Milestone.Id} {r.Milestone.Title}: {r.Passed}/{r.Total} passed ({r.NotStarted} not started)").ToList();
        lines.AddRange(report.NotAvailable.Select(id => $"{id}: not available yet"));
        if (report.BuildError is not null)
        {
            lines.Add("the build failed:\n" + report.BuildError);
        }

        lines.AddRange(SubmissionText.Lines(report));
        lines.Add(report.Summary);
        return string.Join('\n', lines);
    }
}
