namespace TinyKv.TestKit.Linearizability;

/// <summary>The verdict of a linearizability check.</summary>
public enum CheckResult
{
    /// <summary>Some order of the operations, each taking effect between its call and its return, explains every output.</summary>
    Ok,

    /// <summary>No such order exists: the history shows a consistency bug.</summary>
    Illegal,

    /// <summary>The budget ran out before the search decided. Not a pass: tests must treat it as a failure.</summary>
    Unknown,
}
