using System.Globalization;
using System.Text;
using TinyKv.Course.Manifest;

namespace TinyKv.Course.Cli;

/// <summary><c>tinykv-course manifest</c>: the milestones as a table.</summary>
public static class ManifestCommand
{
    /// <summary>Prints the table; always succeeds once the manifest loaded.</summary>
    public static int Run(CourseManifest manifest, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Render(manifest));
        return ExitCodes.Success;
    }

    /// <summary>The title, then one row per milestone: id, title, points, per-test limit, availability.</summary>
    public static string Render(CourseManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var titleWidth = Math.Max("title".Length, manifest.Milestones.Max(m => m.Title.Length));
        var table = new StringBuilder();
        table.AppendLine(manifest.Title);
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"id",-4}  {"title".PadRight(titleWidth)}  {"points",6}  {"limit",6}  available");
        foreach (var m in manifest.Milestones)
        {
            var points = m.Points.ToString("0.##", CultureInfo.InvariantCulture);
            var limit = $"{m.TestTimeLimitSeconds} s";
            table.AppendLine(CultureInfo.InvariantCulture, $"{m.Id,-4}  {m.Title.PadRight(titleWidth)}  {points,6}  {limit,6}  {(m.Available ? "yes" : "no")}");
        }

        var total = manifest.Milestones.Sum(m => m.Points).ToString("0.##", CultureInfo.InvariantCulture);
        table.AppendLine(CultureInfo.InvariantCulture, $"{"",-4}  {"total".PadRight(titleWidth)}  {total,6}");
        return table.ToString();
    }
}
