using TinyKv.Course.Export;

namespace TinyKv.Grader.Submissions;

/// <summary>
/// A fresh copy of the instructor's repository that a submission is graded in. It starts as the
/// files an export starts from (in a git work tree: what git tracks plus new files it does not
/// ignore, as they are on disk, so uncommitted changes come along; never build output) and only
/// the submitted files ever change in it: <see cref="Place"/> puts the student's version or the
/// instructor's back, file by file, before each build.
/// </summary>
public sealed class GradingTree
{
    private readonly Dictionary<string, byte[]?> _pristine = new(StringComparer.Ordinal);

    private GradingTree(string root) => Root = root;

    /// <summary>The copy's root folder.</summary>
    public string Root { get; }

    /// <summary>Copies the repository at <paramref name="sourceRoot"/> to <paramref name="destination"/> (a folder that does not exist yet).</summary>
    /// <exception cref="ExportFailedException">git recognised the work tree but could not list its files.</exception>
    /// <exception cref="IOException">A file could not be copied.</exception>
    public static GradingTree Copy(string sourceRoot, string destination)
    {
        ArgumentNullException.ThrowIfNull(sourceRoot);
        ArgumentNullException.ThrowIfNull(destination);
        var source = Path.GetFullPath(sourceRoot);
        var root = Path.GetFullPath(destination);
        SourceFiles.CopyTo(source, root);
        return new GradingTree(root);
    }

    /// <summary>
    /// Makes every one of <paramref name="submittable"/> hold the student's version when
    /// <paramref name="student"/> has one for it, and the instructor's otherwise. A file is written
    /// only when its content changes, so its timestamp tells the incremental build the truth.
    /// </summary>
    /// <param name="submittable">Every file a student may submit (repository-relative).</param>
    /// <param name="student">The student's files to use in this build, by repository-relative path.</param>
    public void Place(IEnumerable<string> submittable, IReadOnlyDictionary<string, byte[]> student)
    {
        ArgumentNullException.ThrowIfNull(submittable);
        ArgumentNullException.ThrowIfNull(student);
        foreach (var path in submittable.Concat(student.Keys).Distinct(StringComparer.Ordinal))
        {
            var pristine = Pristine(path); // read before the first write, so it is the instructor's
            var wanted = student.TryGetValue(path, out var submitted) ? submitted : pristine;
            var target = Path.Combine(Root, path);
            if (wanted is null)
            {
                File.Delete(target); // a submitted file the instructor's tree does not have
                continue;
            }

            if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(wanted))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, wanted);
            }
        }
    }

    /// <summary>Deletes the copy and its build output; a file still held open (a build server) is left to the temp cleaner.</summary>
    public static void Remove(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to do: the temp folder is cleaned by the system eventually.
        }
    }

    /// <summary>The instructor's content of <paramref name="path"/>, kept from the copy's first read; null when the tree has no such file.</summary>
    private byte[]? Pristine(string path)
    {
        if (!_pristine.TryGetValue(path, out var known))
        {
            var file = Path.Combine(Root, path);
            known = File.Exists(file) ? File.ReadAllBytes(file) : null;
            _pristine[path] = known;
        }

        return known;
    }
}
