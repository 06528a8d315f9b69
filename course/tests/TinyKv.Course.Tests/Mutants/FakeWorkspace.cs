using TinyKv.Course.Mutants;

namespace TinyKv.Course.Tests.Mutants;

/// <summary>
/// A workspace that copies and patches nothing: it writes down every plant and remove, refuses
/// the patches it was told are stale, and knows which mutant is planted, for the fake runner.
/// </summary>
internal sealed class FakeWorkspace : IMutantWorkspace
{
    private readonly HashSet<string> _stale = new(StringComparer.Ordinal);

    public string Root => "/scratch/tinykv";

    /// <summary>The id of the mutant planted now; null when the copy is the reference.</summary>
    public string? Planted { get; private set; }

    public bool Disposed { get; private set; }

    public List<string> Calls { get; } = [];

    public FakeWorkspace StalePatch(string id)
    {
        _stale.Add(id);
        return this;
    }

    public string? Plant(string patch)
    {
        var id = Path.GetFileNameWithoutExtension(patch);
        Calls.Add($"plant {id}");
        if (_stale.Contains(id))
        {
            return $"error: patch failed: src/Peer.cs:42\nerror: src/Peer.cs: patch does not apply";
        }

        Planted = id;
        return null;
    }

    public void Remove(string patch)
    {
        Calls.Add($"remove {Path.GetFileNameWithoutExtension(patch)}");
        Planted = null;
    }

    public void Dispose() => Disposed = true;
}
