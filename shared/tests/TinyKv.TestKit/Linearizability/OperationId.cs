namespace TinyKv.TestKit.Linearizability;

/// <summary>The handle <see cref="HistoryRecorder.Invoke(int, KvInput, long)"/> gives back, to pass to <see cref="HistoryRecorder.Return(OperationId, KvOutput, long)"/>.</summary>
/// <param name="Value">The operation's <see cref="KvOperation.Id"/>.</param>
public readonly record struct OperationId(int Value);
