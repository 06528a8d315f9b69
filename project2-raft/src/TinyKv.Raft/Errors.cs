namespace TinyKv.Raft;

/// <summary>Base of the errors a <see cref="IRaftStorage"/> reports; Raft handles each kind on its own.</summary>
public abstract class RaftStorageException : Exception
{
    protected RaftStorageException(string message)
        : base(message)
    {
    }
}

/// <summary>The requested index is unavailable because it was compacted into a snapshot.</summary>
public sealed class CompactedException : RaftStorageException
{
    public CompactedException()
        : base("requested index is unavailable due to compaction")
    {
    }
}

/// <summary>The requested entry is not in the storage (yet).</summary>
public sealed class UnavailableException : RaftStorageException
{
    public UnavailableException()
        : base("requested entry at index is unavailable")
    {
    }
}

/// <summary>A snapshot older than the one the storage already has was applied or requested.</summary>
public sealed class SnapshotOutOfDateException : RaftStorageException
{
    public SnapshotOutOfDateException()
        : base("requested index is older than the existing snapshot")
    {
    }
}

/// <summary>The snapshot is being generated; the leader should try again later.</summary>
public sealed class SnapshotTemporarilyUnavailableException : RaftStorageException
{
    public SnapshotTemporarilyUnavailableException()
        : base("snapshot is temporarily unavailable")
    {
    }
}

/// <summary>
/// A proposal was not accepted: there is no leader to forward it to, a leader transfer is in
/// progress, or another configuration change is still pending. The proposer should retry.
/// </summary>
public sealed class ProposalDroppedException : Exception
{
    public ProposalDroppedException()
        : this("raft proposal dropped")
    {
    }

    public ProposalDroppedException(string message)
        : base(message)
    {
    }

    public ProposalDroppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
