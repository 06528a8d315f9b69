using System.ComponentModel;
using TinyKv.Course.Running;

namespace TinyKv.Course.Export;

/// <summary>The commit a git work tree has checked out, and whether its files differ from it.</summary>
public static class GitHead
{
    /// <summary>
    /// The commit checked out at <paramref name="root"/> and whether the work tree differs from it
    /// (changed or new files that git does not ignore); null when <paramref name="root"/> is not a
    /// git work tree with a commit.
    /// </summary>
    /// <exception cref="UsageException">git is not installed.</exception>
    public static (string Commit, bool Dirty)? Of(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var head = Git(root, "rev-parse", "--verify", "--quiet", "HEAD");
        if (head.ExitCode != 0)
        {
            return null;
        }

        var status = Git(root, "status", "--porcelain");
        return (head.Output.Trim(), status.ExitCode != 0 || status.Output.Trim().Length > 0);
    }

    private static ChildProcessResult Git(string root, params string[] arguments)
    {
        try
        {
            return ChildProcess.Run("git", arguments, root, TimeSpan.FromMinutes(2));
        }
        catch (Win32Exception)
        {
            throw new UsageException("git is needed here, and it is not installed");
        }
    }
}
