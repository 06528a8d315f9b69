namespace TinyKv.Cluster;

/// <summary>
/// A <c>tinykv-cluster</c> command cannot do what it was asked; the message says why in one line
/// (followed, when a process failed to serve, by the end of its log), fit to print as it is.
/// </summary>
public sealed class ClusterException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public ClusterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the failure behind it.</summary>
    public ClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public ClusterException()
    {
    }
}
