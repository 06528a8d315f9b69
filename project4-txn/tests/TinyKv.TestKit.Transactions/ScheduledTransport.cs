using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.TestKit.Transactions;

/// <summary>
/// One flow's transport under a <see cref="StepScheduler"/>: each call becomes a pending step
/// that runs against the scheduler's store when the scheduler picks it.
/// </summary>
internal sealed class ScheduledTransport(StepScheduler scheduler, StepScheduler.Flow flow) : ITransactionTransport
{
    private ITransactionTransport Server => scheduler.Server;

    public Task<GetResponse> KvGetAsync(GetRequest request, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, "KvGet", StepText.Describe(request), () => Server.KvGetAsync(request, cancellationToken), StepText.Describe);

    public Task<ScanResponse> KvScanAsync(ScanRequest request, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, "KvScan", StepText.Describe(request), () => Server.KvScanAsync(request, cancellationToken), StepText.Describe);

    public Task<PrewriteResponse> KvPrewriteAsync(PrewriteRequest request, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, "KvPrewrite", StepText.Describe(request), () => Server.KvPrewriteAsync(request, cancellationToken), StepText.Describe);

    public Task<CommitResponse> KvCommitAsync(CommitRequest request, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, "KvCommit", StepText.Describe(request), () => Server.KvCommitAsync(request, cancellationToken), StepText.Describe);

    public Task<CheckTxnStatusResponse> KvCheckTxnStatusAsync(CheckTxnStatusRequest request, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, "KvCheckTxnStatus", StepText.Describe(request), () => Server.KvCheckTxnStatusAsync(request, cancellationToken), StepText.Describe);

    public Task<BatchRollbackResponse> KvBatchRollbackAsync(BatchRollbackRequest request, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, "KvBatchRollback", StepText.Describe(request), () => Server.KvBatchRollbackAsync(request, cancellationToken), StepText.Describe);

    public Task<ResolveLockResponse> KvResolveLockAsync(ResolveLockRequest request, ReadOnlyMemory<byte> lockKey, CancellationToken cancellationToken = default) =>
        scheduler.Request(flow, request.CommitVersion == 0 ? "KvResolveLock(rollback)" : "KvResolveLock(commit)", StepText.Describe(request), () => Server.KvResolveLockAsync(request, lockKey, cancellationToken), StepText.Describe);
}
