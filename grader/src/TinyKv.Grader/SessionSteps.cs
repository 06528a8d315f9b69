using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader;

/// <summary>
/// The steps every grader session shares (grading, seed sweeps, replays): build the selected
/// milestones or report why not, and write the results file.
/// </summary>
internal static class SessionSteps
{
    /// <summary>
    /// Builds <paramref name="milestones"/> with <paramref name="settings"/>, saying so on
    /// <paramref name="output"/>. Returns null when the build succeeded; otherwise the build's
    /// error lines, already shown.
    /// </summary>
    public static string? BuildOrReport(ITestRunner runner, IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings, TextWriter output)
    {
        output.WriteLine($"building ({settings.Label}) …");
        var build = runner.Build(milestones, settings);
        if (build.Succeeded)
        {
            return null;
        }

        var errors = BuildFailure.ErrorLines(build.Output);
        output.WriteLine("the build failed:");
        output.WriteLine(errors);
        return errors;
    }

    /// <summary>
    /// Ends a grading run: prints the score table, writes the results file in
    /// <paramref name="format"/> (to <paramref name="outFile"/>, or the format's default file), and
    /// prints the summary line last. Returns the exit code: 0 only when every selected test passed
    /// (and at least one ran) and the results file, if any, was written.
    /// </summary>
    public static int Report(GradeReport report, ReportFormat format, string? outFile, Action<string, string> writeFile, TextWriter output)
    {
        output.WriteLine();
        output.Write(TableReport.Render(report));
        var written = WriteResults(
            outFile ?? Reports.Reports.DefaultFile(format),
            Reports.Reports.NameOf(format),
            () => Reports.Reports.Render(report, format),
            writeFile,
            output);
        output.WriteLine(report.Summary);
        return report.AllPassed && written ? ExitCodes.AllPassed : ExitCodes.NotAllPassed;
    }

    /// <summary>
    /// Writes <paramref name="render"/>'s text to <paramref name="file"/> (nothing when null: the
    /// format has no file) with <paramref name="writeFile"/>, saying where on <paramref name="output"/>.
    /// Returns false, with the reason shown, when the file could not be written.
    /// </summary>
    public static bool WriteResults(string? file, string formatName, Func<string> render, Action<string, string> writeFile, TextWriter output)
    {
        if (file is null)
        {
            return true;
        }

        try
        {
            writeFile(file, render());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"grader: could not write the results to {file}: {ex.Message}");
            return false;
        }

        output.WriteLine($"results ({formatName}) written to {file}");
        return true;
    }
}
