namespace TinyKv.Course.Export;

/// <summary>
/// The export was refused or failed; <see cref="Errors"/> lists every reason found, each with
/// the file (and line) to fix. Nothing was left at the destination.
/// </summary>
public sealed class ExportFailedException : Exception
{
    public ExportFailedException()
        : this([])
    {
    }

    public ExportFailedException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ExportFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public ExportFailedException(IReadOnlyList<ExportError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, ordered by file and line.</summary>
    public IReadOnlyList<ExportError> Errors { get; }

    private static string Describe(IReadOnlyList<ExportError> errors) =>
        errors.Count == 0
            ? "The export failed."
            : $"The export failed with {errors.Count} problem(s):{Environment.NewLine}" +
              string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
