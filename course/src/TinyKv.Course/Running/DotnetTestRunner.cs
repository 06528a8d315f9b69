using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using TinyKv.Course.Manifest;

namespace TinyKv.Course.Running;

/// <summary>
/// Runs graded tests in child processes: <c>dotnet build</c> for the build, <c>dotnet vstest</c>
/// on the built assemblies for the tests. Each test may run for the milestone's time limit
/// (vstest's blame collector kills a host whose test runs longer). A killed or crashed host
/// costs only the test it was running: the runner records that test, then starts again without
/// every test already accounted for, until all have a result.
/// </summary>
public sealed partial class DotnetTestRunner : ITestRunner
{
    private static readonly IReadOnlyDictionary<string, string> s_noVariables = new Dictionary<string, string>();

    private readonly string _root;
    private readonly TextWriter? _log;
    private readonly VsTestCommand _vstest;

    // Where each test project's assembly is, by project and build tree: asking MSBuild costs an
    // evaluation of the project (seconds), and the answer depends only on the tree the build goes
    // to (the projects' bin or the editions tree), not on the edition or ReferenceThrough.
    private readonly Dictionary<(string Project, bool InEditionsTree), string> _assemblies = [];

    /// <param name="repositoryRoot">The repository whose test projects the manifest names.</param>
    /// <param name="log">Where to echo the commands run (null: nowhere).</param>
    public DotnetTestRunner(string repositoryRoot, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        _root = Path.GetFullPath(repositoryRoot);
        _log = log;
        _vstest = new VsTestCommand(_root, log);
    }

    /// <inheritdoc />
    public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(settings);
        var stopwatch = Stopwatch.StartNew();
        var projects = milestones.SelectMany(m => m.TestProjects).Distinct(StringComparer.Ordinal).ToList();
        if (projects.Count == 0)
        {
            return new BuildOutcome(true, "", stopwatch.Elapsed);
        }

        // One MSBuild run for all the projects: it builds what they share once, in parallel,
        // where a run per project would start MSBuild and check every shared project again.
        var target = projects.Count == 1 ? projects[0] : SolutionOf(projects);
        string[] arguments = ["build", target, "-nologo", "-v", "quiet", .. settings.MsBuildArgumentsIn(_root)];
        _log?.WriteLine($"$ dotnet {string.Join(' ', arguments)}");
        var result = ChildProcess.Run("dotnet", arguments, _root, TimeSpan.FromMinutes(15));
        return new BuildOutcome(result.ExitCode == 0, result.Output, stopwatch.Elapsed);
    }

    /// <summary>
    /// A solution of <paramref name="projects"/> (paths relative to the repository), written under
    /// the repository's <c>.artifacts/builds</c> and named by its projects, so a build of the same
    /// projects finds the same file.
    /// </summary>
    private string SolutionOf(IReadOnlyList<string> projects)
    {
        var folder = Path.Combine(_root, ".artifacts", "builds");
        Directory.CreateDirectory(folder);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', projects))))[..16];
        var path = Path.Combine(folder, $"tests-{name}.slnx");
        var text = new StringBuilder("<Solution>\n");
        foreach (var project in projects)
        {
            var relative = Path.GetRelativePath(folder, Path.Combine(_root, project)).Replace('\\', '/');
            text.Append(CultureInfo.InvariantCulture, $"  <Project Path=\"{SecurityElement.Escape(relative)}\" />\n");
        }

        File.WriteAllText(path, text.Append("</Solution>\n").ToString());
        return path;
    }

    /// <inheritdoc />
    public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        ArgumentNullException.ThrowIfNull(settings);
        var stopwatch = Stopwatch.StartNew();
        var problems = new List<string>();
        var projects = milestone.TestProjects
            .Select(project => Discover(milestone, project, VsTestFilter.MilestoneExcept(milestone.Id, []), settings, problems))
            .OfType<IReadOnlyList<ListedTest>>()
            .ToList();
        var tally = new Tally(milestone.Id, projects.Sum(p => p.Count), progress);
        tally.Start();
        foreach (var tests in projects.Where(p => p.Count > 0))
        {
            // One run per project, as a student's `dotnet test` of that project would.
            var plan = new RunPlan(tests[0].Project, "Milestone=" + VsTestFilter.Escape(milestone.Id), tests, s_noVariables);
            using var stop = new CancellationTokenSource();
            new PlanRun(plan, _vstest, tally, problems, null, stop).Execute();
        }

        if (tally.Results.Count == 0 && problems.Count == 0)
        {
            problems.Add($"no test carries [Milestone(\"{milestone.Id}\")] in {string.Join(", ", milestone.TestProjects)}");
        }

        var ordered = tally.Results.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return new MilestoneRun(milestone, ordered, problems, stopwatch.Elapsed);
    }

    /// <inheritdoc />
    public TestListing List(TestSelection selection, BuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        var tests = new List<ListedTest>();
        foreach (var milestone in selection.Milestones)
        {
            // Listed milestone by milestone, so each test is known by the milestone it counts for.
            var filter = (selection with { Milestones = [milestone] }).Filter;
            foreach (var project in milestone.TestProjects)
            {
                var found = Discover(milestone, project, filter, settings, problems) ?? [];
                tests.AddRange(found.OrderBy(t => t.DisplayName, StringComparer.Ordinal));
            }
        }

        return new TestListing(selection, tests, problems);
    }

    /// <inheritdoc />
    public SelectionRun Run(
        TestListing listing,
        IReadOnlyDictionary<string, string> environment,
        IProgress<TestProgress>? progress = null,
        Func<TestResult, bool>? stopAt = null)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(environment);
        var stopwatch = Stopwatch.StartNew();
        var problems = new List<string>();
        var label = string.Join('+', listing.Selection.Milestones.Select(m => m.Id));
        var tally = new Tally(label, listing.Tests.Count, progress);
        tally.Start();
        if (listing.Tests.Count > 0)
        {
            var projects = string.Join(", ", listing.Tests.Select(t => t.Project).Distinct(StringComparer.Ordinal));
            using var stop = new CancellationTokenSource();
            new PlanRun(new RunPlan(projects, listing.Selection.Filter, listing.Tests, environment), _vstest, tally, problems, stopAt, stop).Execute();
        }

        var order = listing.Selection.Milestones.Select(m => m.Id).ToList();
        var ordered = tally.Results
            .OrderBy(t => order.IndexOf(t.Milestone))
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        return new SelectionRun(ordered, problems, stopwatch.Elapsed);
    }

    /// <summary>
    /// The tests of <paramref name="milestone"/> in <paramref name="project"/>'s built assembly
    /// that <paramref name="filter"/> selects; null (and a problem) when they cannot be listed.
    /// </summary>
    private IReadOnlyList<ListedTest>? Discover(
        MilestoneSpec milestone,
        string project,
        string filter,
        BuildSettings settings,
        List<string> problems)
    {
        var key = (project, settings.InEditionsTree);
        string? assembly;
        lock (_assemblies)
        {
            if (!_assemblies.TryGetValue(key, out assembly))
            {
                assembly = _vstest.AssemblyOf(project, settings);
                if (assembly is not null)
                {
                    _assemblies[key] = assembly;
                }
            }
        }

        if (assembly is null)
        {
            problems.Add($"{project}: MSBuild could not tell where its test assembly is (does the project exist?)");
            return null;
        }

        if (!File.Exists(assembly))
        {
            problems.Add($"{project}: {assembly} is missing; build it first");
            return null;
        }

        var tests = _vstest.List(assembly, filter);
        if (tests is null)
        {
            problems.Add($"{project}: vstest could not list its tests");
            return null;
        }

        return [.. tests.Select(name => new ListedTest(milestone, project, assembly, name))];
    }

    /// <summary>The overall limit for a run of <paramref name="tests"/> tests, past which the run is killed.</summary>
    internal static TimeSpan WatchdogFor(int limitSeconds, int tests) =>
        TimeSpan.FromSeconds((limitSeconds * (tests + 2)) + 120);

    internal static string Tail(string output, int lines = 15) =>
        string.Join('\n', output.Split('\n').TakeLast(lines)).Trim();

    /// <summary>The results of a run so far, and the progress reports they make.</summary>
    private sealed class Tally(string label, int total, IProgress<TestProgress>? progress)
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TestResult> _results = new(StringComparer.Ordinal);

        public IReadOnlyCollection<TestResult> Results
        {
            get
            {
                lock (_gate)
                {
                    return [.. _results.Values];
                }
            }
        }

        public void Start() => progress?.Report(new TestProgress(label, 0, total, null));

        /// <summary>A console line said a test finished; its result comes later, from the TRX file.</summary>
        public void Finished(string displayName) => Report(displayName, null);

        /// <summary>Records a test's result under its display name.</summary>
        public void Record(string displayName, TestResult result)
        {
            lock (_gate)
            {
                _results[displayName] = result;
            }

            Report(displayName, result);
        }

        private void Report(string displayName, TestResult? result)
        {
            int completed;
            lock (_gate)
            {
                if (!_reported.Add(displayName))
                {
                    return;
                }

                completed = _reported.Count;
            }

            progress?.Report(new TestProgress(label, completed, Math.Max(total, completed), result));
        }
    }
}
