using System.ComponentModel;
using TinyKv.Course.Export;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Submissions;

/// <summary>Runs the <c>git</c> program for the grader: reading submitted repositories and stamping the grading tree's commit.</summary>
internal static class Git
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(5);

    /// <summary>Whether <paramref name="folder"/> is the top of a git work tree (it holds <c>.git</c>, a folder or a worktree's file).</summary>
    public static bool IsRepository(string folder) =>
        Directory.Exists(Path.Combine(folder, ".git")) || File.Exists(Path.Combine(folder, ".git"));

    /// <summary>Runs git with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    /// <exception cref="UsageException">git is not installed.</exception>
    public static ChildProcessResult Run(string workingDirectory, params string[] arguments)
    {
        try
        {
            return ChildProcess.Run("git", arguments, workingDirectory, s_limit);
        }
        catch (Win32Exception)
        {
            throw new UsageException("git is needed here, and it is not installed");
        }
    }

    /// <summary>The full commit id <paramref name="revision"/> names in the repository at <paramref name="repository"/>; null when it names none.</summary>
    public static string? Resolve(string repository, string revision)
    {
        var result = Run(repository, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}");
        return result.ExitCode == 0 ? result.Output.Trim() : null;
    }

    /// <summary>
    /// The commit checked out at <paramref name="root"/> and whether the work tree differs from it
    /// (changed or new files that git does not ignore). A copy that is not a git work tree (the
    /// tree of a Gradescope autograder bundle) answers from its <see cref="TreeCommitFile"/>; a
    /// sentence stands in place of the commit when it has none either, or git is missing.
    /// </summary>
    public static (string Commit, bool Dirty) HeadOf(string root)
    {
        try
        {
            return GitHead.Of(root) ?? TreeCommitFile.Read(root) ?? ("no commit (not a git repository)", false);
        }
        catch (UsageException)
        {
            return TreeCommitFile.Read(root) ?? ("unknown (git is not installed)", false);
        }
    }
}
