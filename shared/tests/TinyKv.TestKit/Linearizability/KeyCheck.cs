namespace TinyKv.TestKit.Linearizability;

/// <summary>The verdict on one key of a history.</summary>
/// <param name="Key">The key.</param>
/// <param name="OperationCount">How many operations the history holds on it, open ones included.</param>
/// <param name="Result">Whether its operations linearize.</param>
public sealed record KeyCheck(string Key, int OperationCount, CheckResult Result);
