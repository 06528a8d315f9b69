namespace TinyKv.Course.Export;

/// <summary>What <see cref="Exporter.Export"/> exports, and where to.</summary>
/// <example>
/// <code>
/// var result = Exporter.Export(new ExportOptions
/// {
///     SourceRoot = repositoryRoot,
///     Destination = "../tinykv-student",
///     Exclude = [".ci/", "course/tests/"],
/// });
/// </code>
/// </example>
public sealed record ExportOptions
{
    /// <summary>The root of the reference repository (the folder holding <c>Directory.Build.props</c>).</summary>
    public required string SourceRoot { get; init; }

    /// <summary>
    /// Where the student's tree goes. It must not exist or be empty, unless
    /// <see cref="Overwrite"/> is set. Its parent folders are created when missing.
    /// </summary>
    public required string Destination { get; init; }

    /// <summary>
    /// Repository-relative files and folders to leave out: <c>"course/tests/"</c> (a folder and
    /// everything in it), <c>"NOTES.md"</c> (a file, or a folder of that name). Projects under
    /// them are removed from the root <c>*.slnx</c> as well.
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>
    /// Repository-relative files and folders the final check (no <c>#if TINYKV_REF_…</c> left in
    /// any exported text file) does not read, e.g. a handout that shows a slot block as an example.
    /// Their C# files are still stripped.
    /// </summary>
    public IReadOnlyList<string> ScanExempt { get; init; } = [];

    /// <summary>Replace a destination that already has files in it (after a successful export only).</summary>
    public bool Overwrite { get; init; }
}
