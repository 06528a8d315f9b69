namespace TinyKv.Course.Mutants;

/// <summary>
/// A copy of the repository that mutants are planted in, one at a time, so the repository
/// itself is never touched. Disposing it removes the copy.
/// </summary>
public interface IMutantWorkspace : IDisposable
{
    /// <summary>The copy's root folder, where builds and test runs happen.</summary>
    string Root { get; }

    /// <summary>
    /// Applies <paramref name="patch"/> to the copy, entirely or not at all. Returns null when it
    /// applied, or why it did not (a patch that no longer fits the reference is stale).
    /// </summary>
    string? Plant(string patch);

    /// <summary>Takes <paramref name="patch"/>, planted before, back out, so the copy is the reference again.</summary>
    /// <exception cref="IOException">The patch could not be taken back; the copy is no longer the reference.</exception>
    void Remove(string patch);
}
