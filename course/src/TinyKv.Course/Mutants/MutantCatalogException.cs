namespace TinyKv.Course.Mutants;

/// <summary>The mutant catalog (<c>course/mutants/mutants.json</c>) is missing, malformed, or breaks one of its rules.</summary>
public sealed class MutantCatalogException : Exception
{
    public MutantCatalogException()
    {
    }

    public MutantCatalogException(string message)
        : base(message)
    {
    }

    public MutantCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
