namespace TinyKv.Transaction;

/// <summary>
/// A request the transactional API refuses before touching storage: a zero timestamp, an empty
/// key, a key twice in one prewrite, a commit timestamp not after the start. The server answers
/// it with <c>INVALID_ARGUMENT</c> and this message; nothing was read or written.
/// </summary>
public sealed class InvalidRequestException : ArgumentException
{
    public InvalidRequestException()
    {
    }

    public InvalidRequestException(string message)
        : base(message)
    {
    }

    public InvalidRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
