using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Bench.Targets;

/// <summary>
/// The Percolator client's transactional calls sent through a <see cref="TinyKvSession"/>, so
/// a transaction follows the leader and its deadlines and retries are counted like a raw
/// request's. A region error left after the retries reaches the Percolator client, which backs
/// off and tries again within its own limit.
/// </summary>
internal sealed class LeaderFollowingTransport(TinyKvSession session) : ITransactionTransport
{
    public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvGetAsync(request, o), r => r.RegionError, cancellationToken);

    public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvScanAsync(request, o), r => r.RegionError, cancellationToken);

    public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvPrewriteAsync(request, o), r => r.RegionError, cancellationToken);

    public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvCommitAsync(request, o), r => r.RegionError, cancellationToken);

    public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvCheckTxnStatusAsync(request, o), r => r.RegionError, cancellationToken);

    public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvBatchRollbackAsync(request, o), r => r.RegionError, cancellationToken);

    public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
        session.SendAsync((c, o) => c.KvResolveLockAsync(request, o), r => r.RegionError, cancellationToken);
}
