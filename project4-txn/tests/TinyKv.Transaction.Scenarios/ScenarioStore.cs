using TinyKv.Client;
using TinyKv.TestKit.Storage;
using TinyKv.TestKit.Transactions;

namespace TinyKv.Transaction.Scenarios;

/// <summary>An in-memory store with the transactional API over it, as a scenario's scheduler sees it.</summary>
public sealed class ScenarioStore : IDisposable
{
    private readonly TrackingStorage _storage = new();

    public ScenarioStore()
    {
        _storage.Start();
        Api = new TransactionApi(_storage);
        Transport = new InProcessTransport(Api);
    }

    public TransactionApi Api { get; }

    public ITransactionTransport Transport { get; }

    public void Dispose() => _storage.Dispose();
}
