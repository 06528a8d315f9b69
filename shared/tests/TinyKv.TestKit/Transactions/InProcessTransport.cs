using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction;

namespace TinyKv.TestKit.Transactions;

/// <summary>
/// The transactional calls made directly on a <see cref="TransactionApi"/>, with no network:
/// each returns a task that is already complete (faulted when the handler throws, e.g. an
/// <see cref="InvalidRequestException"/> or a <see cref="TodoException"/>).
/// </summary>
public sealed class InProcessTransport(TransactionApi api) : ITransactionTransport
{
    private readonly TransactionApi _api = api ?? throw new ArgumentNullException(nameof(api));

    public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) => Run(() => _api.KvGet(request));

    public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) => Run(() => _api.KvScan(request));

    public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) => Run(() => _api.KvPrewrite(request));

    public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) => Run(() => _api.KvCommit(request));

    public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
        Run(() => _api.KvCheckTxnStatus(request));

    public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
        Run(() => _api.KvBatchRollback(request));

    public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, CancellationToken cancellationToken = default) =>
        Run(() => _api.KvResolveLock(request));

    private static Task<T> Run<T>(Func<T> handler)
    {
        try
        {
            return Task.FromResult(handler());
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
