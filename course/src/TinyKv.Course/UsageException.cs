namespace TinyKv.Course;

/// <summary>
/// A command line of the course tools (<c>grader</c>, <c>tinykv-course</c>) asks for something
/// that cannot be: reported in one line, exit code 2.
/// </summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
