using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Cli;

/// <summary>
/// <c>tinykv-course export &lt;dir&gt;</c>: writes the student workbook (reference code stripped,
/// the manifest's exclusions left out), then builds it to prove it compiles.
/// </summary>
public static class ExportCommand
{
    /// <summary>Exports <paramref name="repository"/> to <paramref name="destination"/>, building the result unless <paramref name="build"/> is false.</summary>
    /// <exception cref="ExportFailedException">The source holds slot blocks the exporter cannot strip.</exception>
    public static int Run(CourseManifest manifest, string repository, string destination, bool build, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var result = Exporter.Export(new ExportOptions
        {
            SourceRoot = repository,
            Destination = Path.GetFullPath(destination),
            Exclude = manifest.ExportExclude,
            ScanExempt = manifest.ExportScanExempt,
        });

        output.WriteLine($"exported {result.FilesCopied} files to {result.Destination}; {result.FilesStripped} stripped of reference code");
        foreach (var (milestone, count) in result.SlotsRemoved)
        {
            output.WriteLine($"  {milestone,-4} {count} slot blocks stripped");
        }

        if (result.DroppedPaths.Count > 0)
        {
            output.WriteLine($"  left out {result.DroppedPaths.Count} files under {string.Join(", ", manifest.ExportExclude)}");
        }

        if (!build)
        {
            return ExitCodes.Success;
        }

        output.WriteLine("building the workbook …");
        var run = ChildProcess.Run("dotnet", ["build", "-nologo", "-v", "quiet"], result.Destination, TimeSpan.FromMinutes(20));
        if (run.ExitCode != 0)
        {
            error.WriteLine(string.Join('\n', run.Output.Split('\n').TakeLast(30)).Trim());
            error.WriteLine($"tinykv-course: the exported workbook does not build (dotnet build in {result.Destination})");
            return ExitCodes.Failure;
        }

        output.WriteLine("the workbook builds");
        return ExitCodes.Success;
    }
}
