using Grpc.Core;
using TinyKv.Proto.Raftbatchpb;
using TinyKv.Proto.RaftServerpb;

namespace TinyKv.Server.Replication;

/// <summary>
/// Receives raft messages from the other stores in batches (<c>raftbatchpb.RaftBatch</c>, a
/// stream of <see cref="RaftMessageBatch"/>): what <see cref="GrpcRaftTransport"/> sends when
/// the receiving store serves it. The messages are handed on as the Raft stream's are.
/// </summary>
public sealed class RaftBatchService(RaftEndpoint raft) : RaftBatch.RaftBatchBase
{
    /// <inheritdoc/>
    public override Task<Done> Messages(IAsyncStreamReader<RaftMessageBatch> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return raft.ReceiveBatchesAsync(requestStream, context.CancellationToken);
    }
}
