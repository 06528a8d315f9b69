using System.Text.Json;

namespace TinyKv.Grader.Reports;

/// <summary>
/// The parts of a report about a graded submission and its stamp, in each format's shape: lines
/// for the table and Gradescope's output, JSON objects, JUnit properties. Every format shows the
/// same facts, in the same order.
/// </summary>
internal static class SubmissionText
{
    /// <summary>The lines that close a table (and Gradescope's output): the submission, what was ignored, compile errors, the stamp.</summary>
    public static IEnumerable<string> Lines(GradeReport report)
    {
        if (report.Submission is { } submission)
        {
            yield return $"submission: {submission.Source}";
            yield return $"graded {submission.ModeText}";
            if (submission.IgnoredUnknown is not null)
            {
                yield return $"changes outside the submitted files could not be listed: {submission.IgnoredUnknown}";
            }
            else if (submission.Ignored.Count > 0)
            {
                yield return "ignored, not graded (changed outside the submitted files):";
                foreach (var file in submission.Ignored)
                {
                    yield return $"  {file.Kind,-7}  {file.Path}";
                }
            }

            foreach (var (milestone, errors) in submission.CompileErrors)
            {
                yield return $"{milestone}: the build failed:";
                foreach (var line in errors.Split('\n'))
                {
                    yield return $"  {line}";
                }
            }
        }

        if (report.Stamp is { } stamp)
        {
            foreach (var (name, value) in stamp.Fields)
            {
                yield return $"stamp {name}: {value}";
            }
        }
    }

    /// <summary>Writes <c>"submission": {…}</c> and <c>"stamp": {…}</c> when the report has them.</summary>
    public static void WriteJson(Utf8JsonWriter json, GradeReport report)
    {
        if (report.Submission is { } submission)
        {
            json.WriteStartObject("submission");
            json.WriteString("source", submission.Source);
            json.WriteString("mode", submission.Mode.ToString().ToLowerInvariant());
            json.WriteStartArray("ignored");
            foreach (var file in submission.Ignored)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("kind", file.Kind);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (submission.IgnoredUnknown is not null)
            {
                json.WriteString("ignoredUnknown", submission.IgnoredUnknown);
            }

            json.WriteStartObject("compileErrors");
            foreach (var (milestone, errors) in submission.CompileErrors)
            {
                json.WriteString(milestone, errors);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (report.Stamp is { } stamp)
        {
            json.WriteStartObject("stamp");
            foreach (var (name, value) in stamp.Fields)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }
    }

    /// <summary>Name and value pairs for JUnit's properties: the submission's source, mode and ignored files, and the stamp.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Properties(GradeReport report)
    {
        if (report.Submission is { } submission)
        {
            yield return new("submission.source", submission.Source);
            yield return new("submission.mode", submission.Mode.ToString().ToLowerInvariant());
            yield return new("submission.ignored", string.Join(", ", submission.Ignored.Select(f => $"{f.Path} ({f.Kind})")));
        }

        if (report.Stamp is { } stamp)
        {
            foreach (var (name, value) in stamp.Fields)
            {
                yield return new("stamp." + name, value);
            }
        }
    }
}
