using System.IO.Compression;
using TinyKv.Course.Export;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Cli;
using TinyKv.Grader.Submissions;

namespace TinyKv.Grader.Tests;

/// <summary>
/// A tiny course on disk for submission tests, in a temp folder removed afterwards: an instructor's
/// tree with three milestones (1 submits A.cs; 2AA submits B.cs and Raft.cs; 2AB submits Raft.cs
/// and C.cs), a test file, and the student workbook exported from it, which tests edit and pack
/// as folders, zips, git repositories and bundles.
/// </summary>
internal sealed class SubmissionTrees : IDisposable
{
    // The tiny course's slot directives, written so that they do not open a line of this file:
    // exporting this repository would take them for slot blocks of its own.
    private const string If = "#if";
    private const string Else = "#else";
    private const string EndIf = "#endif";

    public SubmissionTrees()
    {
        Root = Path.Combine(Path.GetTempPath(), $"tinykv-submission-tests-{Guid.NewGuid():N}");
        Instructor = Path.Combine(Root, "instructor");
        Temp = Path.Combine(Root, "temp");
        Directory.CreateDirectory(Temp);
        Write(Instructor, "Directory.Build.props", "<Project>\n  <!-- edition:begin the switch -->\n  <PropertyGroup />\n  <!-- edition:end -->\n</Project>\n");
        Write(Instructor, "src/A.cs", Slot("A", "1"));
        Write(Instructor, "src/B.cs", Slot("B", "2AA"));
        Write(Instructor, "src/Raft.cs", Slot("Raft", "2AA"));
        Write(Instructor, "src/C.cs", Slot("C", "2AB"));
        Write(Instructor, "tests/ATests.cs", "namespace Course.Tests;\n\npublic sealed class ATests\n{\n}\n");
    }

    public string Root { get; }

    /// <summary>The instructor's tree (not a git repository).</summary>
    public string Instructor { get; }

    /// <summary>The temp folder the grader makes its grading folders in.</summary>
    public string Temp { get; }

    public static IReadOnlyList<MilestoneSpec> Course { get; } =
    [
        Spec("1", "src/A.cs"),
        Spec("2AA", "src/B.cs", "src/Raft.cs"),
        Spec("2AB", "src/Raft.cs", "src/C.cs"),
    ];

    /// <summary>A student's version of a file: the reference replaced by their own code.</summary>
    public static string Solved(string type, string note = "") =>
        $"namespace Course;\n\npublic static class {type}\n{{\n    public static int Value() => 1; // student{note}\n}}\n";

    /// <summary>Exports the student workbook of the instructor's tree to a new folder; returns it.</summary>
    public string Workbook(string name = "workbook")
    {
        var folder = Path.Combine(Root, name);
        Export(Instructor, folder);
        return folder;
    }

    /// <summary>The export the grader compares submissions with (no exclusions in this tiny course).</summary>
    public static void Export(string source, string destination) =>
        Exporter.Export(new ExportOptions { SourceRoot = source, Destination = destination });

    /// <summary>Zips <paramref name="folder"/>; with <paramref name="inTopFolder"/>, inside one top folder named after it.</summary>
    public string Zip(string folder, bool inTopFolder)
    {
        var zip = Path.Combine(Root, $"{Path.GetFileName(folder)}-{(inTopFolder ? "top" : "root")}.zip");
        ZipFile.CreateFromDirectory(folder, zip, CompressionLevel.Fastest, includeBaseDirectory: inTopFolder);
        return zip;
    }

    /// <summary>Makes <paramref name="folder"/> a git repository with everything committed; returns the commit.</summary>
    public static string CommitAll(string folder, string message)
    {
        if (!Directory.Exists(Path.Combine(folder, ".git")))
        {
            Git(folder, "init", "--quiet", "--initial-branch=main");
        }

        Git(folder, "add", "--all");
        Git(folder, "-c", "user.name=Student", "-c", "user.email=student@example.org", "commit", "--quiet", "-m", message);
        return Git(folder, "rev-parse", "HEAD").Trim();
    }

    /// <summary>Writes a bundle of every ref of the repository at <paramref name="folder"/>; returns its path.</summary>
    public string Bundle(string folder)
    {
        var bundle = Path.Combine(Root, "submission.bundle");
        Git(folder, "bundle", "create", "--quiet", bundle, "--all");
        return bundle;
    }

    /// <summary>
    /// A grader host on this tiny course: <paramref name="runner"/>'s runner for every build, a
    /// fixed clock, results files kept in <paramref name="files"/> instead of written.
    /// </summary>
    public GraderHost Host(TextWriter output, TextWriter error, Func<FakeRunner> runner, IDictionary<string, string> files)
    {
        var time = new FixedTime(SampleRuns.Started);
        return new GraderHost(
            output,
            error,
            time,
            () => Instructor,
            _ => Course,
            _ => runner(),
            () => new PlainProgress(output),
            (path, text) => files[path] = text)
        {
            Submissions = new SubmissionEnvironment(_ => runner(), time, () => new PlainProgress(output))
            {
                ExportWorkbook = Export,
                TempFolder = Temp,
                Machine = "test machine",
            },
        };
    }

    public static void Write(string root, string path, string text)
    {
        var file = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static string Git(string folder, params string[] arguments)
    {
        var result = ChildProcess.Run("git", arguments, folder, TimeSpan.FromMinutes(1));
        return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {result.Output}");
    }

    private static MilestoneSpec Spec(string id, params string[] submits) =>
        new(id, $"Milestone {id}", 1, 5, 10, true, [$"tests/{id}.csproj"], submits);

    private static string Slot(string type, string milestone) => $$"""
        namespace Course;

        public static class {{type}}
        {
            public static int Value()
            {
        {{If}} TINYKV_REF_{{milestone}}
                return 1; // reference
        {{Else}}
                throw Todo.Slot("{{milestone}}", "return one");
        {{EndIf}}
            }
        }

        """;
}
