using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Client;

/// <summary>
/// How a <see cref="PercolatorClient"/> reaches the transactional API of a store: the seven
/// <c>Kv*</c> calls of the TinyKv service, request in, response out. <see cref="GrpcTransport"/>
/// talks to a real server; tests call the handlers in process or through a simulated network.
/// </summary>
/// <remarks>
/// A call's errors for the client to act on (locks, conflicts, region errors) come back in the
/// response. An exception means the call itself failed (the server refused the request as
/// malformed, is unreachable, or has not written the handler yet); the client does not retry it.
/// </remarks>
public interface ITransactionTransport
{
    Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default);

    Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default);

    Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default);

    Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default);

    Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default);

    Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits or rolls back a finished transaction's locks. ResolveLock works on one region:
    /// <paramref name="lockKey"/>, a key the transaction holds a lock on, says which (a transport
    /// to a single store may ignore it).
    /// </summary>
    Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default);
}
