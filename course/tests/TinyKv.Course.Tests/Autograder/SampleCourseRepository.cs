using System.IO.Compression;
using TinyKv.Course.Autograder;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.TestKit;

namespace TinyKv.Course.Tests.Autograder;

/// <summary>
/// A tiny committed course repository with the real autograder scripts and manifest, build output
/// that git ignores, and a temp folder to unpack its bundle into as Gradescope's <c>/autograder</c>.
/// </summary>
internal sealed class SampleCourseRepository : IDisposable
{
    private static readonly string s_realRoot = CourseManifest.FindRepositoryRoot(AppContext.BaseDirectory);
    private readonly TempDirectory _temp = new("tinykv-autograder");
    private readonly List<string> _committed = [];

    public SampleCourseRepository()
    {
        Root = _temp.Combine("course-repo");
        foreach (var script in AutograderBundle.Scripts)
        {
            Copy($"{AutograderBundle.ScriptFolder}/{script}");
        }

        Copy(CourseManifest.RelativePath);
        foreach (var project in CourseManifest.LoadFrom(s_realRoot).Milestones.SelectMany(m => m.TestProjects).Distinct(StringComparer.Ordinal))
        {
            Source(project, "<Project />\n"); // the manifest checks that each test project exists
        }

        Source(".gitignore", "bin/\nobj/\n");
        Source("src/A.cs", "namespace Course;\n");
        Write("src/bin/Debug/A.dll", "not source");
        Write("src/obj/project.assets.json", "{}");
        Git("init", "--quiet");
        Git("add", "--all");
        Git("-c", "user.name=Instructor", "-c", "user.email=instructor@example.com", "commit", "--quiet", "-m", "course");
        Head = Git("rev-parse", "HEAD").Trim();
    }

    /// <summary>The repository's folder.</summary>
    public string Root { get; }

    /// <summary>The repository-relative paths of the files committed, sorted.</summary>
    public IEnumerable<string> Committed => _committed.Order(StringComparer.Ordinal);

    /// <summary>The commit checked out.</summary>
    public string Head { get; }

    /// <summary>A path in the temp folder, beside the repository.</summary>
    public string Beside(params string[] parts) => _temp.Combine(parts);

    /// <summary>Writes <paramref name="text"/> to the repository-relative <paramref name="path"/>.</summary>
    public void Write(string path, string text)
    {
        var file = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    /// <summary>Writes the bundle beside the repository and returns its path.</summary>
    public string Bundle(AutograderSettings settings)
    {
        var zip = Beside("autograder.zip");
        AutograderBundle.Write(Root, zip, settings);
        return zip;
    }

    /// <summary>
    /// Unpacks a bundle with <paramref name="settings"/> into <c>layout/source</c>, as Gradescope
    /// does into <c>/autograder/source</c>, and returns the layout's root.
    /// </summary>
    public string Layout(AutograderSettings settings)
    {
        var layout = Beside("layout");
        ZipFile.ExtractToDirectory(Bundle(settings), Path.Combine(layout, "source"));
        Directory.CreateDirectory(Path.Combine(layout, "submission"));
        return layout;
    }

    public void Dispose() => _temp.Dispose();

    private void Copy(string path) => Source(path, File.ReadAllText(Path.Combine(s_realRoot, path)));

    /// <summary>Writes a file the constructor commits.</summary>
    private void Source(string path, string text)
    {
        _committed.Add(path);
        Write(path, text);
    }

    private string Git(params string[] arguments)
    {
        var run = ChildProcess.Run("git", arguments, Root, TimeSpan.FromMinutes(1));
        return run.ExitCode == 0 ? run.Output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {run.Output}");
    }
}
