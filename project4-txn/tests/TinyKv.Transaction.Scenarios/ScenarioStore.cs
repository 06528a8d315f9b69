using TinyKv.Client;
using TinyKv.TestKit.Storage;
using TinyKv.TestKit.Transactions;

namespace TinyKv.Transaction.Scenarios;

/// <summary>Which prewrite the store under a scenario runs.</summary>
public enum PrewriteKind
{
    /// <summary>The transactional API as written (the reference, or the student's code).</summary>
    AsWritten,

    /// <summary>A deliberately broken prewrite without the write-conflict check (<see cref="WeakenedPrewriteTransport"/>).</summary>
    WithoutConflictCheck,
}

/// <summary>An in-memory store with the transactional API over it, as a scenario's scheduler sees it.</summary>
public sealed class ScenarioStore : IDisposable
{
    private readonly TrackingStorage _storage = new();

    public ScenarioStore(PrewriteKind prewrite = PrewriteKind.AsWritten)
    {
        _storage.Start();
        Api = new TransactionApi(_storage);
        Transport = prewrite == PrewriteKind.AsWritten ? new InProcessTransport(Api) : new WeakenedPrewriteTransport(_storage, Api);
    }

    public TransactionApi Api { get; }

    public ITransactionTransport Transport { get; }

    public void Dispose() => _storage.Dispose();
}
