using System.ComponentModel;
using TinyKv.Course.Running;

namespace TinyKv.Course.Mutants;

/// <summary>What <c>git apply</c> said: whether the patch applied (or would), and git's own words when not.</summary>
/// <param name="Succeeded">Whether git did what was asked.</param>
/// <param name="Message">git's output when it refused (which hunk of which file failed); empty otherwise.</param>
public sealed record PatchOutcome(bool Succeeded, string Message);

/// <summary>
/// Plants and removes mutant patches with <c>git apply</c>, run at the root of the tree the
/// paths of the patch are relative to. The tree need not be a git work tree: git looks for a
/// repository no higher than the root, so a scratch copy inside someone else's work tree is
/// patched as the plain folder it is.
/// </summary>
public static class GitApply
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(1);

    /// <summary>Whether a <c>git</c> program can be started.</summary>
    public static bool IsInstalled()
    {
        try
        {
            return ChildProcess.Run("git", ["--version"], Directory.GetCurrentDirectory(), s_limit).ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="patch"/> would apply cleanly to the tree at <paramref name="root"/>; changes nothing.</summary>
    /// <exception cref="Win32Exception">git is not installed.</exception>
    public static PatchOutcome Check(string root, string patch) => Run(root, "apply", "--check", Path.GetFullPath(patch));

    /// <summary>Applies <paramref name="patch"/> to the tree at <paramref name="root"/>: all of it, or nothing when a hunk does not fit.</summary>
    /// <exception cref="Win32Exception">git is not installed.</exception>
    public static PatchOutcome Apply(string root, string patch) => Run(root, "apply", Path.GetFullPath(patch));

    /// <summary>Takes <paramref name="patch"/>, applied before, back out of the tree at <paramref name="root"/>.</summary>
    /// <exception cref="Win32Exception">git is not installed.</exception>
    public static PatchOutcome Revert(string root, string patch) => Run(root, "apply", "--reverse", Path.GetFullPath(patch));

    private static PatchOutcome Run(string root, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(root);
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var environment = new Dictionary<string, string>
        {
            // Stop git's search for a repository at the root: above it may be another work tree,
            // and in a subfolder of one, git apply would skip the paths outside that subfolder.
            ["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(fullRoot) ?? fullRoot,
        };
        var result = ChildProcess.Run("git", arguments, fullRoot, s_limit, environment: environment);
        return new PatchOutcome(result.ExitCode == 0, result.ExitCode == 0 ? "" : result.Output.Trim());
    }
}
