namespace TinyKv.Course.Export;

/// <summary>What <see cref="SlotStripper.Strip"/> made of one file.</summary>
/// <param name="Text">
/// The student's version of the file, or null when <paramref name="Errors"/> is not empty.
/// A file without slot blocks comes back as the very same string.
/// </param>
/// <param name="Errors">Every problem found in the file, in line order; empty on success.</param>
/// <param name="BlocksRemoved">
/// How many slot blocks (slots with a stub, and reference-only blocks without one) were removed,
/// per milestone id; milestones with none are absent.
/// </param>
public sealed record StripResult(
    string? Text,
    IReadOnlyList<ExportError> Errors,
    IReadOnlyDictionary<string, int> BlocksRemoved)
{
    /// <summary>Whether the file was stripped without errors.</summary>
    public bool Succeeded => Errors.Count == 0;

    /// <summary>Whether the file held at least one slot block (and so changed).</summary>
    public bool Changed => BlocksRemoved.Count > 0;
}
