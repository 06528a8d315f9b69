using System.Globalization;
using System.Text;
using TinyKv.Course.Autograder;
using TinyKv.Course.Export;
using TinyKv.Course.Hints;
using TinyKv.Course.Manifest;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader.Submissions;

/// <summary>What <c>grader batch</c> grades and where its results go.</summary>
/// <param name="Folder">The folder holding one submission per entry: a workbook folder, a git repository, a <c>.zip</c> or a git bundle.</param>
/// <param name="Milestones">The milestones to grade (empty: every available one).</param>
/// <param name="Mode">Isolate or cumulative, as for one submission.</param>
/// <param name="Format">The format of each student's results file.</param>
/// <param name="OutFolder">Where the gradebook, the results files and the logs go.</param>
public sealed record BatchRequest(string Folder, IReadOnlyList<string> Milestones, GradingMode Mode, ReportFormat Format, string OutFolder)
{
    /// <summary>The seeds every simulated test must also pass under; empty for none.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];

    /// <summary>When Gradescope shows students each test, for the gradescope format.</summary>
    public TestVisibility Visibility { get; init; } = TestVisibility.AfterPublished;
}

/// <summary>One line of the gradebook: a student and what grading their submission gave.</summary>
/// <param name="Student">The entry's name (a folder's name, a file's name without <c>.zip</c> or <c>.bundle</c>).</param>
/// <param name="Report">The report, or null when the submission could not be graded.</param>
/// <param name="Note">Why it could not be graded, or what to look at (milestones that did not compile); empty otherwise.</param>
public sealed record GradebookEntry(string Student, GradeReport? Report, string Note);

/// <summary>
/// <c>grader batch DIR</c>: grades every submission under a folder, one after another, each in a
/// grading tree of its own (<see cref="SubmissionGrader"/>). Each student gets a results file and
/// a log of the grading; the gradebook (<c>gradebook.csv</c>) has a line per student with the
/// points of every milestone and the total. A submission that cannot be opened or whose grading
/// throws costs only its own line; the tests of each are bounded by the milestones' time limits.
/// </summary>
public sealed class BatchGrader
{
    /// <summary>The gradebook's file name in the results folder.</summary>
    public const string GradebookFile = "gradebook.csv";

    private readonly string _instructorRoot;
    private readonly IReadOnlyList<MilestoneSpec> _course;
    private readonly SubmissionEnvironment _environment;
    private readonly Action<string, string> _writeFile;
    private readonly TextWriter _out;

    /// <param name="instructorRoot">The instructor's repository.</param>
    /// <param name="course">Every milestone of the course, in course order.</param>
    /// <param name="environment">The runner, clock, workbook export and temp folder; each submission's progress goes to its log.</param>
    /// <param name="writeFile">Writes a file (path, text), making its folder.</param>
    /// <param name="output">Where the progress lines go: one when a submission starts, one when it is graded.</param>
    public BatchGrader(string instructorRoot, IReadOnlyList<MilestoneSpec> course, SubmissionEnvironment environment, Action<string, string> writeFile, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(instructorRoot);
        ArgumentNullException.ThrowIfNull(course);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(writeFile);
        ArgumentNullException.ThrowIfNull(output);
        _instructorRoot = instructorRoot;
        _course = course;
        _environment = environment;
        _writeFile = writeFile;
        _out = output;
    }

    /// <summary>The hints keyed to failures each report adds to failed tests.</summary>
    public FailureHints Hints { get; init; } = FailureHints.None;

    /// <summary>The submissions under <paramref name="folder"/>, by student name: folders, zips and git bundles; hidden entries skipped.</summary>
    /// <exception cref="UsageException">The folder does not exist or holds no submission.</exception>
    public static IReadOnlyList<(string Student, string Path)> SubmissionsIn(string folder, string? outFolder = null)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new UsageException($"no folder at {folder}");
        }

        var skip = outFolder is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(outFolder));
        var found = new List<(string Student, string Path)>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.') || name == "__MACOSX" || string.Equals(entry, skip, StringComparison.Ordinal))
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                found.Add((name, entry));
            }
            else if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bundle", StringComparison.OrdinalIgnoreCase))
            {
                found.Add((Path.GetFileNameWithoutExtension(name), entry));
            }
        }

        if (found.GroupBy(s => s.Student, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new UsageException($"two submissions of '{twice.Key}' in {folder}: {string.Join(" and ", twice.Select(s => Path.GetFileName(s.Path)))}; keep one");
        }

        if (found.Count == 0)
        {
            throw new UsageException($"no submissions in {folder}: put one folder, .zip or git bundle per student there");
        }

        return found;
    }

    /// <summary>Grades every submission of <paramref name="request"/>, writes the results, the logs and the gradebook; returns the gradebook's lines.</summary>
    /// <exception cref="UsageException">The folder holds no submission, or a milestone is unknown.</exception>
    public IReadOnlyList<GradebookEntry> Grade(BatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var submissions = SubmissionsIn(request.Folder, request.OutFolder);
        var (selected, _) = MilestoneSelection.Select(_course, request.Milestones);
        var entries = new List<GradebookEntry>();
        var workbook = Path.Combine(_environment.TempFolder, $"tinykv-batch-workbook-{Guid.NewGuid():N}");
        try
        {
            // One export of the workbook serves every submission's list of ignored changes. When
            // it fails, each submission tries its own and says why in its report.
            var environment = _environment with { ExportedWorkbook = ExportOnce(workbook) };
            for (var i = 0; i < submissions.Count; i++)
            {
                var (student, path) = submissions[i];
                var counter = $"[{(i + 1).ToString(CultureInfo.InvariantCulture)}/{submissions.Count.ToString(CultureInfo.InvariantCulture)}]";
                _out.WriteLine($"{counter} {student}: grading {Path.GetFileName(path)} …");
                var started = _environment.Time.GetTimestamp();
                var entry = GradeOne(student, path, request, environment);
                entries.Add(entry);
                var took = _environment.Time.GetElapsedTime(started);
                _out.WriteLine($"{counter} {student}: {Outcome(entry)} ({Seconds(took)})");
            }
        }
        finally
        {
            GradingTree.Remove(workbook);
        }

        var gradebook = Path.Combine(request.OutFolder, GradebookFile);
        _writeFile(gradebook, Gradebook(selected, entries));
        _out.WriteLine($"gradebook of {entries.Count.ToString(CultureInfo.InvariantCulture)} submissions written to {gradebook}; results and logs per student in {request.OutFolder}");
        return entries;
    }

    /// <summary>The gradebook as CSV: student, the points of each milestone, the total, the maximum, a note.</summary>
    public static string Gradebook(IReadOnlyList<MilestoneSpec> milestones, IReadOnlyList<GradebookEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        text.AppendJoin(',', ["student", .. milestones.Select(m => m.Id), "total", "max", "note"]).Append('\n');
        var max = milestones.Sum(m => m.Points);
        foreach (var entry in entries)
        {
            var points = milestones.Select(m => entry.Report?.Runs.FirstOrDefault(r => r.Milestone.Id == m.Id) is { } run ? Reports.Reports.Number(run.Score) : "");
            var total = entry.Report is { } report ? Reports.Reports.Number(report.Score) : "";
            text.AppendJoin(',', [Csv(entry.Student), .. points, total, Reports.Reports.Number(max), Csv(entry.Note)]).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Exports the workbook into <paramref name="folder"/>; null when the instructor's tree cannot be exported.</summary>
    private string? ExportOnce(string folder)
    {
        try
        {
            _environment.ExportWorkbook(_instructorRoot, folder);
            return folder;
        }
        catch (ExportFailedException)
        {
            return null;
        }
    }

    private GradebookEntry GradeOne(string student, string path, BatchRequest request, SubmissionEnvironment batch)
    {
        using var log = new StringWriter(CultureInfo.InvariantCulture);
        var environment = batch with { CreateProgress = () => new PlainProgress(log) };
        var grader = new SubmissionGrader(_instructorRoot, _course, environment, log) { Hints = Hints };
        GradebookEntry entry;
        try
        {
            var report = grader.Grade(new SubmissionRequest(path, null, request.Milestones, request.Mode, request.Format, null) { Seeds = request.Seeds }) with { Visibility = request.Visibility };
            log.WriteLine();
            log.Write(TableReport.Render(report));
            var results = Path.Combine(request.OutFolder, student + Extension(request.Format));
            _writeFile(results, Reports.Reports.Render(report, request.Format));
            var broken = report.Submission?.CompileErrors.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
            entry = new GradebookEntry(student, report, broken.Count == 0 ? "" : $"did not compile: {string.Join(' ', broken)}");
        }
        catch (Exception ex) when (ex is UsageException or IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException)
        {
            // The submission cannot be opened or graded (a broken zip, no workbook, git failing):
            // it gets its line with the reason, and the next one is graded.
            log.WriteLine($"not graded: {ex.Message}");
            entry = new GradebookEntry(student, null, $"not graded: {FirstLine(ex.Message)}");
        }

        _writeFile(Path.Combine(request.OutFolder, student + ".log"), log.ToString());
        return entry;
    }

    private static string Outcome(GradebookEntry entry) => entry.Report is { } report
        ? $"{Reports.Reports.Number(report.Score)}/{Reports.Reports.Number(report.MaxScore)}, {report.Summary}{(entry.Note.Length > 0 ? "; " + entry.Note : "")}"
        : entry.Note;

    private static string Extension(ReportFormat format) => format switch
    {
        ReportFormat.Junit => ".xml",
        ReportFormat.Table => ".txt",
        _ => ".json",
    };

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>A CSV field: quoted when it holds a comma, a quote or a line break.</summary>
    private static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
