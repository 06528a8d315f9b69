namespace TinyKv.Client;

/// <summary>Where a <see cref="Transaction"/> stands.</summary>
public enum TransactionState
{
    /// <summary>Reading and buffering writes; nothing is on the server yet.</summary>
    Active,

    /// <summary>Committed at <see cref="Transaction.CommitTs"/> (perhaps with secondaries still locked, when stopped after the primary).</summary>
    Committed,

    /// <summary>Rolled back, or never committed: none of its writes will ever be visible.</summary>
    RolledBack,

    /// <summary>Stopped after prewrite on purpose: its locks stay until they expire and someone rolls them back.</summary>
    Abandoned,

    /// <summary>A call failed mid-commit, so the outcome is unknown here; the primary key's fate decides it, and readers will resolve the locks.</summary>
    Unknown,
}
