using TinyKv.Proto.Kvrpcpb;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Client;

/// <summary>
/// The transactional calls over gRPC to a running TinyKV server. A refused request surfaces as
/// the gRPC <c>RpcException</c> (<c>INVALID_ARGUMENT</c> for a malformed one,
/// <c>UNIMPLEMENTED</c> for a handler not written yet).
/// </summary>
/// <remarks>The caller owns the channel under <paramref name="client"/>. Thread-safe.</remarks>
public sealed class GrpcTransport(TinyKvClient client) : ITransactionTransport
{
    private readonly TinyKvClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) =>
        _client.KvGetAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) =>
        _client.KvScanAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) =>
        _client.KvPrewriteAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) =>
        _client.KvCommitAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
        _client.KvCheckTxnStatusAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
        _client.KvBatchRollbackAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
        _client.KvResolveLockAsync(request, cancellationToken: cancellationToken).ResponseAsync;
}
