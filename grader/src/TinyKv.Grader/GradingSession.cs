using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;

namespace TinyKv.Grader;

/// <summary>What to grade and how to report it, as the command line asked.</summary>
/// <param name="Milestones">The milestones asked for; empty for every available one.</param>
/// <param name="Settings">Which build to grade.</param>
/// <param name="Format">The results file's format.</param>
/// <param name="OutFile">Where the results go; null for the format's default file (none for the table).</param>
public sealed record GradeRequest(IReadOnlyList<string> Milestones, BuildSettings Settings, ReportFormat Format, string? OutFile);

/// <summary>
/// One grading run: pick the milestones, build once, run each milestone's tests through the
/// runner, print the score table, write the results file, and end with <c>N passed, N failed</c>.
/// Takes its runner, output and clock from the caller, so tests drive it without processes.
/// </summary>
public sealed class GradingSession
{
    private readonly IReadOnlyList<MilestoneSpec> _milestones;
    private readonly ITestRunner _runner;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly IGradingProgress _progress;

    private readonly Action<string, string> _writeFile;

    /// <param name="writeFile">Writes a results file (path, text); default: to disk.</param>
    public GradingSession(IReadOnlyList<MilestoneSpec> milestones, ITestRunner runner, TextWriter output, TimeProvider time, IGradingProgress progress, Action<string, string>? writeFile = null)
    {
        _writeFile = writeFile ?? File.WriteAllText;
        _milestones = milestones;
        _runner = runner;
        _out = output;
        _time = time;
        _progress = progress;
    }

    /// <summary>Grades as <paramref name="request"/> says; returns the process exit code (0 only when every selected test passed).</summary>
    /// <exception cref="UsageException">A milestone id is unknown.</exception>
    public int Run(GradeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (selected, notAvailable) = Select(request.Milestones);
        foreach (var id in notAvailable)
        {
            _out.WriteLine($"{id}: not available yet");
        }

        var started = _time.GetUtcNow();
        var runs = new List<MilestoneRun>();
        string? buildError = null;
        if (selected.Count > 0)
        {
            _out.WriteLine($"building ({request.Settings.Label}) …");
            var build = _runner.Build(selected, request.Settings);
            if (!build.Succeeded)
            {
                buildError = ErrorLines(build.Output);
                _out.WriteLine("the build failed:");
                _out.WriteLine(buildError);
                runs.AddRange(selected.Select(m => new MilestoneRun(m, [new TestResult(m.Id, "build", TestOutcome.Failed, TimeSpan.Zero, "build failed:\n" + buildError)], ["build failed"], TimeSpan.Zero)));
            }
            else
            {
                runs.AddRange(_progress.Track(selected, (milestone, progress) => _runner.Run(milestone, request.Settings, progress)));
            }
        }

        var report = new GradeReport(request.Settings.Label, started, _time.GetUtcNow(), runs, notAvailable, buildError);
        _out.WriteLine();
        _out.Write(TableReport.Render(report));

        var file = request.OutFile ?? Reports.Reports.DefaultFile(request.Format);
        if (file is not null)
        {
            var text = Reports.Reports.Render(report, request.Format);
            _writeFile(file, text);
            _out.WriteLine($"results ({request.Format.ToString().ToLowerInvariant()}) written to {file}");
        }

        _out.WriteLine(report.Summary);
        return report.AllPassed ? 0 : 1;
    }

    private (List<MilestoneSpec> Selected, List<string> NotAvailable) Select(IReadOnlyList<string> asked)
    {
        if (asked.Count == 0)
        {
            return ([.. _milestones.Where(m => m.Available)], []);
        }

        var unknown = asked.Where(id => _milestones.All(m => m.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown milestone {string.Join(", ", unknown)}; use one of {string.Join(", ", _milestones.Select(m => m.Id))}");
        }

        var chosen = _milestones.Where(m => asked.Contains(m.Id)).ToList();
        return ([.. chosen.Where(m => m.Available)], [.. chosen.Where(m => !m.Available).Select(m => m.Id)]);
    }

    private static string ErrorLines(string output)
    {
        var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.TrimEnd()).Distinct().Take(30).ToList();
        return errors.Count > 0 ? string.Join('\n', errors) : string.Join('\n', output.Split('\n').TakeLast(30));
    }
}

/// <summary>A command line the grader cannot act on (exit code 2).</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
