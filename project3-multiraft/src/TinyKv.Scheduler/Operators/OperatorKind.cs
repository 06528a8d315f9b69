namespace TinyKv.Scheduler.Operators;

/// <summary>
/// What an operator does and who asked for it, as flags: a balance move that also hands over
/// leadership is <c>Region | Leader | Balance</c>. The controller counts running operators by
/// kind to keep each kind under its limit.
/// </summary>
[Flags]
public enum OperatorKind : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Transfers leadership.</summary>
    Leader = 1 << 0,

    /// <summary>Adds or removes peers.</summary>
    Region = 1 << 1,

    /// <summary>Asked for by an administrator.</summary>
    Admin = 1 << 2,

    /// <summary>Asked for by the replica checker.</summary>
    Replica = 1 << 3,

    /// <summary>Asked for by a balance scheduler.</summary>
    Balance = 1 << 4,
}

/// <summary>How urgent an operator is: a higher one replaces a lower one on the same region.</summary>
public enum OperatorPriority
{
    /// <summary>Can wait.</summary>
    Low,

    /// <summary>The usual.</summary>
    Normal,

    /// <summary>Fixes a replica on a store that is going away.</summary>
    High,
}
