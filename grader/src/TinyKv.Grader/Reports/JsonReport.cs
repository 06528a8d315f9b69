
namespace TinyKv.Grader.Reports;

/// <summary>Our own results format: every milestone and test, for scripts (CI reads it).</summary>
public static class JsonReport
{
    public static string Render(GradeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("edition", report.Edition);
            json.WriteString("started", report.Started);
            json.WriteString("finished", report.Finished);
            json.WriteStartArray("milestones");
            foreach (var run in report.Runs)
            {
                json.WriteStartObject();
                json.WriteString("id", run.Milestone.Id);
                json.WriteString("title", run.Milestone.Title);
                json.WriteNumber("points", run.Milestone.Points);
                json.WriteNumber("score", Math.Round(run.Score, 2));
                json.WriteNumber("passed", run.Passed);
                json.WriteNumber("total", run.Total);
                json.WriteNumber("notStarted", run.NotStarted);
                json.WriteStartArray("problems");
                run.Problems.ToList().ForEach(json.WriteStringValue);
                json.WriteEndArray();
                json.WriteStartArray("tests");
                foreach (var test in run.Tests)
                {
                    json.WriteStartObject();
                    json.WriteString("name", test.Name);
                    json.WriteString("outcome", test.Outcome.ToString());
                    json.WriteNumber("durationMs", (long)test.Duration.TotalMilliseconds);
                    json.WriteString("output", test.Output);
                    if (report.Hints.For(test) is { } hint)
                    {
                        json.WriteStartObject("hint");
                        json.WriteString("id", hint.Signature.Id);
                        json.WriteString("title", hint.Signature.Title);
                        json.WriteString("text", hint.Text);
                        json.WriteString("page", $"docs/{hint.Signature.Page}.md");
                        json.WriteString("section", hint.Signature.Section);
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("notAvailable");
            report.NotAvailable.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            if (report.BuildError is not null)
            {
                json.WriteString("buildError", report.BuildError);
            }

            SubmissionText.WriteJson(json, report);
            json.WriteNumber("passed", report.Passed);
            json.WriteNumber("failed", report.Failed);
            json.WriteEndObject();
        });
    }
}
