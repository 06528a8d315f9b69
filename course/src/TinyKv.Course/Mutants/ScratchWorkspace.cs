using TinyKv.Course.Export;

namespace TinyKv.Course.Mutants;

/// <summary>
/// A scratch copy of the repository under the temp folder, patched with <see cref="GitApply"/>.
/// It holds the files an export would start from (in a git work tree: what git tracks and the
/// new files it does not ignore, so uncommitted changes come along; elsewhere: every file but
/// build output and tool folders), and none of its build output: the first build is a full one.
/// </summary>
public sealed class ScratchWorkspace : IMutantWorkspace
{
    private ScratchWorkspace(string root) => Root = root;

    /// <inheritdoc />
    public string Root { get; }

    /// <summary>Copies the repository at <paramref name="sourceRoot"/> into a new folder under <paramref name="parent"/> (default: the temp folder).</summary>
    /// <exception cref="ExportFailedException">git recognised the work tree but could not list its files.</exception>
    /// <exception cref="IOException">git is not installed, or a file could not be copied (the partial copy is removed first).</exception>
    public static ScratchWorkspace Create(string sourceRoot, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(sourceRoot);
        if (!GitApply.IsInstalled())
        {
            throw new IOException("mutants are planted with 'git apply', and git is not installed");
        }

        var source = Path.GetFullPath(sourceRoot);
        var root = Path.Combine(parent ?? Path.GetTempPath(), $"tinykv-mutants-{Guid.NewGuid():N}");
        var workspace = new ScratchWorkspace(root);
        try
        {
            SourceFiles.CopyTo(source, root);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }

        return workspace;
    }

    /// <inheritdoc />
    public string? Plant(string patch)
    {
        var applied = GitApply.Apply(Root, patch);
        return applied.Succeeded ? null : applied.Message;
    }

    /// <inheritdoc />
    public void Remove(string patch)
    {
        var reverted = GitApply.Revert(Root, patch);
        if (!reverted.Succeeded)
        {
            throw new IOException($"{Path.GetFileName(patch)} could not be taken back out of {Root}: {reverted.Message}");
        }
    }

    /// <summary>Deletes the copy and its build output; a file still held open is left to the temp cleaner.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A build server we started may still hold a file for a moment.
        }
    }
}
