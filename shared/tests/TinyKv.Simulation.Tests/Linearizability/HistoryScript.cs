using TinyKv.TestKit.Linearizability;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>
/// A history written by hand, one line per operation, times in virtual microseconds; a null
/// return time leaves the operation open (outcome unknown).
/// </summary>
internal sealed class HistoryScript
{
    private readonly HistoryRecorder _recorder = new();

    public KvHistory History => _recorder.ToHistory();

    public OperationId Put(int client, string key, string value, long call, long? ret) =>
        Record(client, KvInput.Put(key, value), KvOutput.None, call, ret);

    public OperationId Append(int client, string key, string value, long call, long? ret) =>
        Record(client, KvInput.Append(key, value), KvOutput.None, call, ret);

    public OperationId Delete(int client, string key, long call, long? ret) =>
        Record(client, KvInput.Delete(key), KvOutput.None, call, ret);

    public OperationId Get(int client, string key, string? read, long call, long? ret) =>
        Record(client, KvInput.Get(key), KvOutput.Read(read), call, ret);

    public LinearizabilityReport Check(LinearizabilityOptions? options = null) =>
        LinearizabilityChecker.Check(History, options);

    private OperationId Record(int client, KvInput input, KvOutput output, long call, long? ret)
    {
        var id = _recorder.Invoke(client, input, call);
        if (ret is { } time)
        {
            _recorder.Return(id, output, time);
        }

        return id;
    }
}
