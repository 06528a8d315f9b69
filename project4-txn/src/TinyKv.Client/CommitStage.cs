namespace TinyKv.Client;

/// <summary>
/// How far <see cref="Transaction.CommitAsync"/> goes. Anything short of
/// <see cref="Completed"/> abandons the commit part-way, as a client that crashes there would:
/// tests use it to leave locks behind for other transactions to resolve.
/// </summary>
public enum CommitStage
{
    /// <summary>Stop after every key is prewritten: the locks stay, nothing is committed, and the locks expire after their TTL.</summary>
    Prewritten,

    /// <summary>Stop after the primary key commits (the commit point): the transaction is committed, the secondaries stay locked until someone resolves them.</summary>
    PrimaryCommitted,

    /// <summary>Commit every key (the default).</summary>
    Completed,
}
