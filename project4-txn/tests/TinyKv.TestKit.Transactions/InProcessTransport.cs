using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Transaction;

namespace TinyKv.TestKit.Transactions;

/// <summary>
/// The transactional calls made directly on a <see cref="TransactionApi"/>, with no network:
/// each returns the handler's task, faulted when the handler fails (e.g. an
/// <see cref="InvalidRequestException"/> or a <see cref="TodoException"/>); over storage whose
/// tasks complete at once and with no latch held, it is already complete.
/// </summary>
public sealed class InProcessTransport(TransactionApi api) : ITransactionTransport
{
    private readonly TransactionApi _api = api ?? throw new ArgumentNullException(nameof(api));

    public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) => _api.KvGetAsync(request);

    public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) => _api.KvScanAsync(request);

    public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) => _api.KvPrewriteAsync(request);

    public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) => _api.KvCommitAsync(request);

    public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
        _api.KvCheckTxnStatusAsync(request);

    public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
        _api.KvBatchRollbackAsync(request);

    public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
        _api.KvResolveLockAsync(request);
}
