namespace TinyKv.Client;

/// <summary>A transaction could not read or commit. Nothing it wrote is visible unless the message says otherwise.</summary>
public class TransactionException : Exception
{
    public TransactionException()
    {
    }

    public TransactionException(string message)
        : base(message)
    {
    }

    public TransactionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The start timestamp of the transaction, or 0 when not known.</summary>
    public ulong StartTs { get; init; }
}

/// <summary>
/// A write conflict: another transaction committed a key this one writes after this one
/// started, so committing would lose that write. The transaction is rolled back; start a new
/// one (which reads the newer value) to try again.
/// </summary>
public sealed class TransactionConflictException : TransactionException
{
    public TransactionConflictException()
    {
    }

    public TransactionConflictException(string message)
        : base(message)
    {
    }

    public TransactionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The key written by the other transaction.</summary>
    public byte[] Key { get; init; } = [];

    /// <summary>The other transaction's commit timestamp.</summary>
    public ulong ConflictTs { get; init; }
}

/// <summary>
/// The transaction was rolled back by someone else (its lock expired and a blocked client
/// rolled it back) or the server refused it as aborted. None of its writes are visible.
/// </summary>
public sealed class TransactionAbortedException : TransactionException
{
    public TransactionAbortedException()
    {
    }

    public TransactionAbortedException(string message)
        : base(message)
    {
    }

    public TransactionAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// An operation was retried <see cref="PercolatorClientOptions.MaxAttempts"/> times (a lock
/// that stayed alive, repeated <c>retryable</c> or region errors) and the client gave up.
/// When it happens during commit the transaction is rolled back if it had not reached its commit point.
/// </summary>
public sealed class RetryLimitExceededException : TransactionException
{
    public RetryLimitExceededException()
    {
    }

    public RetryLimitExceededException(string message)
        : base(message)
    {
    }

    public RetryLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
