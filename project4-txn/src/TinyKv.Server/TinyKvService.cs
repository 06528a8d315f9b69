using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Server.Faults;
using TinyKv.Server.Replication;
using TinyKv.Standalone;
using TinyKv.Storage;
using TinyKv.Transaction;

namespace TinyKv.Server;

/// <summary>
/// The TinyKv gRPC service. Raw requests go to the Stage 1 handlers, transactional (<c>Kv*</c>)
/// requests to the Stage 4 handlers, both over the server's storage (standalone, or replicated
/// with Raft); the <c>Raft</c> and <c>Snapshot</c> streams carry messages between the stores of
/// a replicated cluster, and answer <c>UNIMPLEMENTED</c> on a standalone server.
/// </summary>
/// <remarks>
/// No request crashes the server: an error a client acts on is answered in the response's
/// error fields by the handlers, a malformed transactional request (zero timestamp, empty key)
/// becomes <c>INVALID_ARGUMENT</c> with the handler's message, an unwritten slot becomes
/// <c>UNIMPLEMENTED</c> naming its milestone, a region error of replicated storage (not the
/// leader, stale epoch) goes in the raw response's <c>region_error</c>, a key reserved for the
/// store's own state becomes <c>INVALID_ARGUMENT</c>, a lock or write record that does not decode
/// (written raw) becomes <c>FAILED_PRECONDITION</c> naming its key and column family
/// (<see cref="CorruptRecordException"/>), and any other exception becomes <c>INTERNAL</c> and
/// is logged. Status messages are capped (<see cref="StatusDetailLimit"/>). While the store is
/// isolated (<see cref="FaultInjection"/>) every raw and transactional request fails at once with
/// <c>UNAVAILABLE</c>, as a store the client cannot reach would.
/// </remarks>
public sealed class TinyKvService : Proto.Tinykvpb.TinyKv.TinyKvBase
{
    private readonly RawApi _raw;
    private readonly TransactionApi _txn;
    private readonly RaftEndpoint _raft;
    private readonly FaultInjection _faults;
    private readonly ILogger<TinyKvService> _logger;

    public TinyKvService(RawApi raw, TransactionApi txn, RaftEndpoint raft, FaultInjection faults, ILogger<TinyKvService> logger)
    {
        _raw = raw;
        _txn = txn;
        _raft = raft;
        _faults = faults;
        _logger = logger;
    }

    public override Task<RawGetResponse> RawGet(RawGetRequest request, ServerCallContext context) =>
        Handle(nameof(RawGet), () => RegionErrorException.AnswerWithAsync(() => _raw.RawGetAsync(request), e => new RawGetResponse { RegionError = e }));

    public override Task<RawPutResponse> RawPut(RawPutRequest request, ServerCallContext context) =>
        Handle(nameof(RawPut), () => RegionErrorException.AnswerWithAsync(() => _raw.RawPutAsync(request), e => new RawPutResponse { RegionError = e }));

    public override Task<RawDeleteResponse> RawDelete(RawDeleteRequest request, ServerCallContext context) =>
        Handle(nameof(RawDelete), () => RegionErrorException.AnswerWithAsync(() => _raw.RawDeleteAsync(request), e => new RawDeleteResponse { RegionError = e }));

    public override Task<RawScanResponse> RawScan(RawScanRequest request, ServerCallContext context) =>
        Handle(nameof(RawScan), () => RegionErrorException.AnswerWithAsync(() => _raw.RawScanAsync(request), e => new RawScanResponse { RegionError = e }));

    public override Task<GetResponse> KvGet(GetRequest request, ServerCallContext context) =>
        Handle(nameof(KvGet), () => _txn.KvGetAsync(request));

    public override Task<ScanResponse> KvScan(ScanRequest request, ServerCallContext context) =>
        Handle(nameof(KvScan), () => _txn.KvScanAsync(request));

    public override Task<PrewriteResponse> KvPrewrite(PrewriteRequest request, ServerCallContext context) =>
        Handle(nameof(KvPrewrite), () => _txn.KvPrewriteAsync(request));

    public override Task<CommitResponse> KvCommit(CommitRequest request, ServerCallContext context) =>
        Handle(nameof(KvCommit), () => _txn.KvCommitAsync(request));

    public override Task<CheckTxnStatusResponse> KvCheckTxnStatus(CheckTxnStatusRequest request, ServerCallContext context) =>
        Handle(nameof(KvCheckTxnStatus), () => _txn.KvCheckTxnStatusAsync(request));

    public override Task<BatchRollbackResponse> KvBatchRollback(BatchRollbackRequest request, ServerCallContext context) =>
        Handle(nameof(KvBatchRollback), () => _txn.KvBatchRollbackAsync(request));

    public override Task<ResolveLockResponse> KvResolveLock(ResolveLockRequest request, ServerCallContext context) =>
        Handle(nameof(KvResolveLock), () => _txn.KvResolveLockAsync(request));

    public override Task<Done> Raft(IAsyncStreamReader<RaftMessage> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        return _raft.ReceiveMessagesAsync(requestStream, context.CancellationToken);
    }

    public override Task<Done> Snapshot(IAsyncStreamReader<SnapshotChunk> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        return _raft.ReceiveSnapshotAsync(requestStream, context.CancellationToken);
    }

    /// <summary>
    /// Awaits a handler, turning what it throws into the gRPC status a client expects. The
    /// handler's wait for the storage holds no thread.
    /// </summary>
    private async Task<T> Handle<T>(string rpc, Func<Task<T>> handler)
    {
        if (_faults.IsIsolated)
        {
            throw FaultInjection.Unavailable(_raft.ServerName);
        }

        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (InvalidRequestException invalid)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{rpc}: {invalid.Message}"));
        }
        catch (ReservedKeyException reserved)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{rpc}: {reserved.Message}"));
        }
        catch (CorruptRecordException corrupt)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{rpc}: {corrupt.Message}"));
        }
        catch (TodoException todo)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"{rpc}: {todo.Message}"));
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            _logger.LogRequestFailed(ex, rpc);
            throw new RpcException(new Status(StatusCode.Internal, $"{rpc} failed: {ex.Message}"));
        }
    }
}

internal static partial class ServiceLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "{Rpc} failed")]
    public static partial void LogRequestFailed(this ILogger logger, Exception exception, string rpc);
}
