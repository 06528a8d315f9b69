using TinyKv.Grader.Seeds;

namespace TinyKv.Grader.Reports;

/// <summary>The results of <c>grader --seeds N</c> as JSON: every simulated test with its result under each seed, for scripts.</summary>
public static class SeedJsonReport
{
    public static string Render(SeedReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("edition", report.Edition);
            json.WriteString("started", report.Started);
            json.WriteString("finished", report.Finished);
            json.WriteStartArray("milestones");
            report.Milestones.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteStartArray("seeds");
            report.Seeds.ToList().ForEach(json.WriteNumberValue);
            json.WriteEndArray();
            json.WriteStartArray("tests");
            foreach (var test in report.Tests)
            {
                json.WriteStartObject();
                json.WriteString("milestone", test.Milestone);
                json.WriteString("name", test.Name);
                json.WriteString("verdict", test.Verdict.ToString().ToLowerInvariant());
                json.WriteNumber("runs", test.Runs.Count);
                json.WriteNumber("passed", test.Passed);
                json.WriteNumber("failed", test.Failed);
                json.WriteNumber("passRate", Math.Round(test.PassRate, 4));
                if (test.FirstFailure is { } first)
                {
                    json.WriteNumber("firstFailingSeed", first.Seed);
                }

                json.WriteStartArray("failures");
                foreach (var failure in test.Runs.Where(r => !r.IsPassed))
                {
                    json.WriteStartObject();
                    json.WriteNumber("seed", failure.Seed);
                    json.WriteString("outcome", failure.Result?.Outcome.ToString() ?? "NoResult");
                    json.WriteString("output", failure.Result?.Output ?? "");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("notAvailable");
            report.NotAvailable.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteStartArray("problems");
            report.Problems.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            if (report.BuildError is not null)
            {
                json.WriteString("buildError", report.BuildError);
            }

            json.WriteNumber("passed", report.Passed);
            json.WriteNumber("failed", report.Failed);
            json.WriteEndObject();
        });
    }
}
