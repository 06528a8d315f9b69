using System.ComponentModel;
using System.Diagnostics;

namespace TinyKv.Course.Export;

/// <summary>
/// Lists the files of a repository that belong in an export. In a git work tree that is what
/// git tracks plus new files it does not ignore; elsewhere, a walk of the directory that skips
/// build output and tool folders.
/// </summary>
public static class SourceFiles
{
    /// <summary>Folders a directory walk never enters, at any depth.</summary>
    public static IReadOnlyList<string> SkippedFolders { get; } = ["bin", "obj", "node_modules", ".git", "TestResults", ".artifacts"];

    /// <summary>
    /// The repository-relative paths (with <c>/</c>) of the files under <paramref name="root"/>,
    /// sorted ordinally. <paramref name="listedByGit"/> says which way they were found.
    /// </summary>
    /// <exception cref="ExportFailedException">git recognised the work tree but could not list it.</exception>
    public static IReadOnlyList<string> List(string root, out bool listedByGit)
    {
        listedByGit = IsGitWorkTree(root);
        var paths = listedByGit ? ListWithGit(root) : Walk(root);
        return paths
            .Where(path => File.Exists(Path.Combine(root, path))) // deleted but still in the index
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Copies the files <see cref="List"/> finds under <paramref name="sourceRoot"/> into
    /// <paramref name="destination"/> (made when missing), keeping their relative paths; no build
    /// output comes along. Returns the relative paths copied.
    /// </summary>
    /// <exception cref="ExportFailedException">git recognised the work tree but could not list it.</exception>
    /// <exception cref="IOException">A file could not be copied.</exception>
    public static IReadOnlyList<string> CopyTo(string sourceRoot, string destination)
    {
        ArgumentNullException.ThrowIfNull(sourceRoot);
        ArgumentNullException.ThrowIfNull(destination);
        var files = List(sourceRoot, out _);
        foreach (var file in files)
        {
            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(sourceRoot, file), target);
        }

        return files;
    }

    private static bool IsGitWorkTree(string root)
    {
        var (exitCode, output, _) = RunGit(root, "rev-parse", "--is-inside-work-tree");
        return exitCode == 0 && output.Trim() == "true";
    }

    private static string[] ListWithGit(string root)
    {
        var (exitCode, output, error) = RunGit(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard");
        if (exitCode != 0)
        {
            throw new ExportFailedException([new ExportError(root, null, $"'git ls-files' failed: {error.Trim()}")]);
        }

        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs git in <paramref name="workingDirectory"/>; exit code -1 when git cannot be started.</summary>
    private static (int ExitCode, string Output, string Error) RunGit(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var git = Process.Start(start);
            if (git is null)
            {
                return (-1, "", "git could not be started");
            }

            // Read both streams at once: a full stderr pipe must not stall the read of stdout.
            var error = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return (git.ExitCode, output, error.GetAwaiter().GetResult());
        }
        catch (Win32Exception e)
        {
            return (-1, "", e.Message); // git is not installed
        }
    }

    private static IEnumerable<string> Walk(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                yield return Path.GetRelativePath(root, file).Replace('\\', '/');
            }

            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                var info = new DirectoryInfo(child);
                if (!SkippedFolders.Contains(info.Name) && !info.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    pending.Push(child);
                }
            }
        }
    }
}
