using System.Globalization;

namespace TinyKv.Course.Running;

/// <summary>
/// The <c>dotnet vstest</c> command over one built test assembly: list the tests a filter
/// selects, or run them with a TRX logger and the blame collector's hang timeout.
/// </summary>
/// <remarks>
/// Why not <c>dotnet test</c>: it hands <c>--filter</c> to MSBuild as a property, and MSBuild
/// splits property values at commas, so a filter naming a theory case with two arguments
/// (<c>Case(number: 2, label: "b")</c>) does not even parse. <c>dotnet vstest</c> takes the
/// filter as it is.
/// </remarks>
internal sealed class VsTestCommand(string workingDirectory, TextWriter? log)
{
    private const string FailedPrefix = "  Failed ";

    /// <summary>Where MSBuild says <paramref name="project"/>'s assembly is, or null when it cannot tell.</summary>
    public string? AssemblyOf(string project, BuildSettings settings)
    {
        string[] arguments = ["msbuild", project, "-nologo", "-getProperty:TargetPath", .. settings.MsBuildArgumentsIn(workingDirectory)];
        var run = Run(arguments, TimeSpan.FromMinutes(2));
        var path = run.Output.Trim();
        return run.ExitCode == 0 && path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? path : null;
    }

    /// <summary>The display names of the tests in <paramref name="assembly"/> that <paramref name="filter"/> selects.</summary>
    public IReadOnlyList<string>? List(string assembly, string filter)
    {
        string[] arguments = ["vstest", assembly, "--ListTests", $"--TestCaseFilter:{filter}"];
        var run = Run(arguments, TimeSpan.FromMinutes(5));
        if (run.ExitCode != 0)
        {
            return null;
        }

        return [.. run.Output.Split('\n')
            .SkipWhile(line => !line.StartsWith("The following Tests are available", StringComparison.Ordinal))
            .Skip(1)
            .Where(line => line.StartsWith("    ", StringComparison.Ordinal))
            .Select(line => line.Trim())];
    }

    /// <summary>
    /// Runs the tests <paramref name="filter"/> selects in <paramref name="assemblies"/>, in one
    /// test run. A test that runs longer than <paramref name="hangSeconds"/> gets its host killed
    /// by the blame collector (no dump).
    /// </summary>
    /// <param name="environment">Variables to set for vstest and the test hosts it starts (null: none).</param>
    /// <param name="onFinished">Called with the display name of each test as its console line arrives, and whether that line says it failed.</param>
    /// <param name="stop">Ends the run at once when cancelled: vstest and its test hosts are killed, and the run ends as <see cref="TestHostEnd.Stopped"/>.</param>
    public TestHostRun Execute(
        IReadOnlyList<string> assemblies,
        string filter,
        int hangSeconds,
        string resultsDirectory,
        TimeSpan watchdog,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<string, bool>? onFinished = null,
        CancellationToken stop = default)
    {
        string[] arguments =
        [
            "vstest", .. assemblies,
            $"--TestCaseFilter:{filter}",
            "--logger:trx;LogFileName=results.trx",
            "--logger:console;verbosity=normal",
            $"--ResultsDirectory:{resultsDirectory}",
            $"--Blame:CollectHangDump;TestTimeout={hangSeconds.ToString(CultureInfo.InvariantCulture)}s;HangDumpType=None",
        ];
        var run = Run(arguments, watchdog, environment, line =>
        {
            if (onFinished is not null && FinishedTest(line) is { } name)
            {
                onFinished(name, line.StartsWith(FailedPrefix, StringComparison.Ordinal));
            }
        }, stop);

        var results = ReadFiles(resultsDirectory, "*.trx", TrxReport.Parse);
        var unfinished = ReadFiles(resultsDirectory, "Sequence_*.xml", TrxReport.IncompleteTests)
            .DistinctBy(t => t.DisplayName, StringComparer.Ordinal)
            .ToList();
        if (run.Stopped)
        {
            return new TestHostRun(TestHostEnd.Stopped, results, [], run.Output);
        }

        if (run.KilledByWatchdog)
        {
            return new TestHostRun(TestHostEnd.Watchdog, results, unfinished, run.Output);
        }

        // vstest prints "Test Run Aborted." when the host went away before every test reported;
        // the blame collector adds a line about "inactivity time" when its hang timeout did it.
        if (!run.Output.Contains("Test Run Aborted", StringComparison.Ordinal))
        {
            return new TestHostRun(TestHostEnd.Completed, results, [], run.Output);
        }

        var end = run.Output.Contains("inactivity time", StringComparison.Ordinal) ? TestHostEnd.HangTimeout : TestHostEnd.HostCrashed;
        return new TestHostRun(end, results, unfinished, run.Output);
    }

    /// <summary>The test named by a console logger line such as <c>  Passed Ns.Class.Method [3 ms]</c>.</summary>
    internal static string? FinishedTest(string line)
    {
        foreach (var prefix in (string[])["  Passed ", FailedPrefix, "  Skipped "])
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var name = line[prefix.Length..];
                var bracket = name.LastIndexOf(" [", StringComparison.Ordinal);
                return bracket < 0 ? name : name[..bracket];
            }
        }

        return null;
    }

    private ChildProcessResult Run(
        string[] arguments,
        TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onLine = null,
        CancellationToken stop = default)
    {
        var assignments = string.Concat((environment ?? new Dictionary<string, string>()).Select(v => $"{v.Key}={v.Value} "));
        log?.WriteLine($"$ {assignments}dotnet {string.Join(' ', arguments)}");
        return ChildProcess.Run("dotnet", arguments, workingDirectory, limit, onLine, environment, stop);
    }

    private static List<T> ReadFiles<T>(string directory, string pattern, Func<string, IReadOnlyList<T>> parse) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).SelectMany(f => parse(File.ReadAllText(f)))]
            : [];
}
