namespace TinyKv.Course.Export;

/// <summary>The outcome of an edit the export makes to one text file.</summary>
/// <param name="Text">The edited text, or null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Why the file could not be edited; empty on success.</param>
public sealed record EditedText(string? Text, IReadOnlyList<ExportError> Errors)
{
    /// <summary>Whether the edit succeeded.</summary>
    public bool Succeeded => Errors.Count == 0;
}
