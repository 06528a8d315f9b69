using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Standalone;

namespace TinyKv.Server;

/// <summary>
/// The TinyKv gRPC service. Raw requests go to the Stage 1 handlers; requests of later
/// stages answer <c>UNIMPLEMENTED</c> with a message naming the stage that brings them.
/// </summary>
/// <remarks>
/// No request crashes the server: a bad request is answered in the response's error field by
/// the handlers, an unwritten slot becomes <c>UNIMPLEMENTED</c> naming its milestone, and any
/// other exception becomes <c>INTERNAL</c> and is logged.
/// </remarks>
public sealed class TinyKvService : Proto.Tinykvpb.TinyKv.TinyKvBase
{
    private readonly RawApi _raw;
    private readonly ILogger<TinyKvService> _logger;

    public TinyKvService(RawApi raw, ILogger<TinyKvService> logger)
    {
        _raw = raw;
        _logger = logger;
    }

    public override Task<RawGetResponse> RawGet(RawGetRequest request, ServerCallContext context) =>
        Handle(nameof(RawGet), () => _raw.RawGet(request));

    public override Task<RawPutResponse> RawPut(RawPutRequest request, ServerCallContext context) =>
        Handle(nameof(RawPut), () => _raw.RawPut(request));

    public override Task<RawDeleteResponse> RawDelete(RawDeleteRequest request, ServerCallContext context) =>
        Handle(nameof(RawDelete), () => _raw.RawDelete(request));

    public override Task<RawScanResponse> RawScan(RawScanRequest request, ServerCallContext context) =>
        Handle(nameof(RawScan), () => _raw.RawScan(request));

    public override Task<GetResponse> KvGet(GetRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvGet), Transactions);

    public override Task<ScanResponse> KvScan(ScanRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvScan), Transactions);

    public override Task<PrewriteResponse> KvPrewrite(PrewriteRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvPrewrite), Transactions);

    public override Task<CommitResponse> KvCommit(CommitRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvCommit), Transactions);

    public override Task<CheckTxnStatusResponse> KvCheckTxnStatus(CheckTxnStatusRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvCheckTxnStatus), Transactions);

    public override Task<BatchRollbackResponse> KvBatchRollback(BatchRollbackRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvBatchRollback), Transactions);

    public override Task<ResolveLockResponse> KvResolveLock(ResolveLockRequest request, ServerCallContext context) =>
        throw NotYet(nameof(KvResolveLock), Transactions);

    public override Task<Done> Raft(IAsyncStreamReader<RaftMessage> requestStream, ServerCallContext context) =>
        throw NotYet(nameof(Raft), Replication);

    public override Task<Done> Snapshot(IAsyncStreamReader<SnapshotChunk> requestStream, ServerCallContext context) =>
        throw NotYet(nameof(Snapshot), Replication);

    private const string Transactions = "Stage 4 (Percolator transactions)";
    private const string Replication = "Stage 2 (fault-tolerant KV on Raft)";

    private static RpcException NotYet(string rpc, string stage) =>
        new(new Status(StatusCode.Unimplemented, $"{rpc} belongs to {stage}; this server runs standalone storage and does not serve it yet"));

    private Task<T> Handle<T>(string rpc, Func<T> handler)
    {
        try
        {
            return Task.FromResult(handler());
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
