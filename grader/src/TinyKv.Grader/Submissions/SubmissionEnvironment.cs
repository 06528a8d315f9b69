using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Submissions;

/// <summary>What grading a submission takes from the world: a test runner for the grading tree, a clock, a progress display, the workbook export, a temp folder and the machine's description.</summary>
/// <param name="CreateRunner">Makes the test runner for a tree root (the grading tree's).</param>
/// <param name="Time">The clock for start and finish times and the stamp.</param>
/// <param name="CreateProgress">Makes the progress display.</param>
public sealed record SubmissionEnvironment(Func<string, ITestRunner> CreateRunner, TimeProvider Time, Func<IGradingProgress> CreateProgress)
{
    /// <summary>Writes the student workbook of an instructor's tree (root, destination): what a submission is compared with.</summary>
    public Action<string, string> ExportWorkbook { get; init; } = ExportWithManifest;

    /// <summary>
    /// A workbook already exported from the instructor's tree, to compare submissions with; null:
    /// each submission exports its own. A batch exports it once for all its submissions.
    /// </summary>
    public string? ExportedWorkbook { get; init; }

    /// <summary>Where the grading run's temp folder goes.</summary>
    public string TempFolder { get; init; } = Path.GetTempPath();

    /// <summary>The machine, as the stamp names it.</summary>
    public string Machine { get; init; } = GradeStamp.ThisMachine();

    /// <summary>Exports the workbook as <c>tinykv-course export</c> does: the manifest's exclusions left out.</summary>
    /// <exception cref="ExportFailedException">The instructor's tree cannot be exported.</exception>
    public static void ExportWithManifest(string instructorRoot, string destination)
    {
        var manifest = CourseManifest.LoadFrom(instructorRoot);
        Exporter.Export(new ExportOptions
        {
            SourceRoot = instructorRoot,
            Destination = destination,
            Exclude = manifest.ExportExclude,
            ScanExempt = manifest.ExportScanExempt,
        });
    }
}
