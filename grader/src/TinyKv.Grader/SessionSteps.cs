using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

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
