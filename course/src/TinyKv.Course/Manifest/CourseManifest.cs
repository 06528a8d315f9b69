namespace TinyKv.Course.Manifest;

/// <summary>
/// The course manifest (<c>course/manifest.json</c>): the single source of truth for the
/// milestones, their points and time limits, the tests that grade them, and what the student
/// export leaves out. The grader, the course checks and the docs read it.
/// </summary>
public sealed class CourseManifest
{
    /// <summary>Where the manifest lives, relative to the repository root.</summary>
    public const string RelativePath = "course/manifest.json";

    private CourseManifest(string title, IReadOnlyList<MilestoneSpec> milestones, IReadOnlyList<string> exportExclude, IReadOnlyList<string> exportScanExempt)
    {
        Title = title;
        Milestones = milestones;
        ExportExclude = exportExclude;
        ExportScanExempt = exportScanExempt;
    }

    /// <summary>The course title.</summary>
    public string Title { get; }

    /// <summary>Every milestone, in course order.</summary>
    public IReadOnlyList<MilestoneSpec> Milestones { get; }

    /// <summary>Repository-relative paths the student export leaves out.</summary>
    public IReadOnlyList<string> ExportExclude { get; }

    /// <summary>Paths whose text may show slot markers as examples (handouts); the export's final scan skips them.</summary>
    public IReadOnlyList<string> ExportScanExempt { get; }

    /// <summary>The milestones whose code and tests are built.</summary>
    public IReadOnlyList<MilestoneSpec> Available => [.. Milestones.Where(m => m.Available)];

    /// <summary>The milestone with id <paramref name="id"/>.</summary>
    /// <exception cref="ManifestException">No milestone has that id.</exception>
    public MilestoneSpec Get(string id) =>
        Milestones.FirstOrDefault(m => m.Id == id)
        ?? throw new ManifestException($"'{id}' is not a milestone; use one of {string.Join(", ", Milestones.Select(m => m.Id))}");

    /// <summary>Loads the manifest of the repository rooted at <paramref name="repositoryRoot"/>.</summary>
    public static CourseManifest LoadFrom(string repositoryRoot) =>
        Load(Path.Combine(repositoryRoot, RelativePath), repositoryRoot);

    /// <summary>
    /// Loads and checks a manifest. Test projects of available milestones must exist relative to
    /// <paramref name="repositoryRoot"/> (default: the folder two levels above the file).
    /// </summary>
    /// <exception cref="ManifestException">The file is missing, not JSON, or breaks a rule; the message names the milestone and field.</exception>
    public static CourseManifest Load(string path, string? repositoryRoot = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        repositoryRoot ??= Path.GetDirectoryName(Path.GetDirectoryName(fullPath)) ?? ".";
        var file = CourseFile.Read<ManifestFile>(path, "manifest", "no course manifest here", "not a valid manifest", message => new ManifestException(message));

        var title = Require(file.Title, path, "title");
        var milestones = (file.Milestones ?? throw new ManifestException($"{path}: 'milestones' is missing"))
            .Select((m, i) => Check(m, i, path, repositoryRoot))
            .ToList();
        var ids = milestones.Select(m => m.Id).ToList();
        if (!ids.SequenceEqual(TinyKv.Milestones.All))
        {
            throw new ManifestException(
                $"{path}: 'milestones' must list {string.Join(", ", TinyKv.Milestones.All)} once each, in that order; found {string.Join(", ", ids)}");
        }

        return new CourseManifest(title, milestones, file.Export?.Exclude ?? [], file.Export?.ScanExempt ?? []);
    }

    /// <summary>
    /// The repository root: the nearest folder at or above <paramref name="startDirectory"/> that
    /// holds <c>course/manifest.json</c>.
    /// </summary>
    /// <exception cref="ManifestException">No folder above holds one.</exception>
    public static string FindRepositoryRoot(string startDirectory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, RelativePath)))
            {
                return dir.FullName;
            }
        }

        throw new ManifestException($"no {RelativePath} in {startDirectory} or any folder above it; run from the course repository or pass --root");
    }

    private static MilestoneSpec Check(MilestoneEntry entry, int index, string path, string root)
    {
        var where = $"{path}: milestones[{index}]";
        var id = Require(entry.Id, where, "id");
        where = $"{path}: milestone {id}";
        if (entry.Points is not > 0)
        {
            throw new ManifestException($"{where}: 'points' must be a positive number");
        }

        if (entry.TestTimeLimitSeconds is not > 0)
        {
            throw new ManifestException($"{where}: 'testTimeLimitSeconds' must be a positive whole number");
        }

        if (entry.Stage is not (>= 1 and <= 4))
        {
            throw new ManifestException($"{where}: 'stage' must be 1, 2, 3 or 4");
        }

        var projects = entry.TestProjects ?? [];
        if (entry.Available == true)
        {
            if (projects.Count == 0)
            {
                throw new ManifestException($"{where}: an available milestone needs at least one entry in 'testProjects'");
            }

            foreach (var project in projects.Where(p => !File.Exists(Path.Combine(root, p))))
            {
                throw new ManifestException($"{where}: 'testProjects' names {project}, which does not exist");
            }
        }

        return new MilestoneSpec(
            id,
            Require(entry.Title, where, "title"),
            entry.Stage.Value,
            entry.Points.Value,
            entry.TestTimeLimitSeconds.Value,
            entry.Available ?? false,
            projects,
            entry.Submits ?? []);
    }

    private static string Require(string? value, string where, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ManifestException($"{where}: '{field}' is missing") : value;

    private sealed record ManifestFile(string? Title, List<MilestoneEntry>? Milestones, ExportEntry? Export);

    private sealed record MilestoneEntry(
        string? Id,
        string? Title,
        int? Stage,
        double? Points,
        int? TestTimeLimitSeconds,
        bool? Available,
        List<string>? TestProjects,
        List<string>? Submits);

    private sealed record ExportEntry(List<string>? Exclude, List<string>? ScanExempt);
}

/// <summary>The course manifest is missing, malformed, or breaks one of its rules.</summary>
public sealed class ManifestException : Exception
{
    public ManifestException()
    {
    }

    public ManifestException(string message)
        : base(message)
    {
    }

    public ManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
