using Google.Protobuf;
using Grpc.Core;
using TinyKv.Proto.Raftbatchpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore.Snap;
using TinyKv.Server.Faults;

namespace TinyKv.Server.Replication;

/// <summary>
/// The receiving end of the <c>Raft</c> and <c>Snapshot</c> streams: hands what other stores send
/// to this server's store. On a standalone server (no store) both streams answer
/// <c>UNIMPLEMENTED</c>. While the store is isolated (<see cref="FaultInjection"/>) both streams
/// read what arrives and discard it, as if the network had lost it.
/// </summary>
public sealed class RaftEndpoint : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly FaultInjection _faults;

    /// <summary>An endpoint for <paramref name="store"/>, or for a standalone server when null.</summary>
    /// <param name="store">The store messages go to.</param>
    /// <param name="faults">The server's fault switch; none injected when null.</param>
    public RaftEndpoint(ReplicatedStore? store, FaultInjection? faults = null)
    {
        Store = store;
        _faults = faults ?? new FaultInjection();
    }

    /// <summary>The store messages go to; null on a standalone server.</summary>
    public ReplicatedStore? Store { get; }

    /// <summary>How errors and logs name this server: "store N", or "this standalone server".</summary>
    public string ServerName => Store is { } store ? $"store {store.StoreId}" : "this standalone server";

    /// <summary>Ends every open stream, so stopping the server does not wait for other stores to hang up.</summary>
    public void Stop() => _stopping.Cancel();

    /// <summary>Releases the stop signal; after the server stopped serving.</summary>
    public void Dispose() => _stopping.Dispose();

    /// <summary>Reads raft messages until the sender ends the stream (or the server stops).</summary>
    public Task<Done> ReceiveMessagesAsync(IAsyncStreamReader<RaftMessage> stream, CancellationToken callEnded)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var store = Store ?? throw Standalone("Raft");
        return ReceiveAsync(stream, store.Receive, callEnded);
    }

    /// <summary>
    /// Reads batches of raft messages until the sender ends the stream (or the server stops),
    /// handing each batch to the store, in order, as one action of its loop.
    /// </summary>
    /// <exception cref="RpcException">UNIMPLEMENTED: this server runs standalone storage.</exception>
    public Task<Done> ReceiveBatchesAsync(IAsyncStreamReader<RaftMessageBatch> stream, CancellationToken callEnded)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var store = Store ?? throw Standalone("RaftBatch");
        return ReceiveAsync(stream, batch => store.Receive(batch.Messages), callEnded);
    }

    /// <summary>
    /// Reads one snapshot: its message, then its file in chunks; hands the message to the store
    /// once the file is whole. A stream that ends early delivers nothing (the leader sends the
    /// snapshot again); a chunk that is not part of a snapshot is refused with <c>INVALID_ARGUMENT</c>.
    /// </summary>
    public async Task<Done> ReceiveSnapshotAsync(IAsyncStreamReader<SnapshotChunk> stream, CancellationToken callEnded)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var store = Store ?? throw Standalone("Snapshot");
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(callEnded, _stopping.Token);
        var assembly = new SnapshotAssembly();
        try
        {
            while (await stream.MoveNext(ended.Token).ConfigureAwait(false))
            {
                var chunk = stream.Current;
                if (chunk.Message?.Message is null || !SnapshotChunks.IsSnapshot(chunk.Message) || chunk.Message.Message.Snapshot?.Metadata is null)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "a snapshot chunk must carry a snapshot message (MsgSnapshot with its metadata)"));
                }

                assembly.Add(chunk);
                if (assembly.IsComplete && _faults.IsIsolated)
                {
                    return new Done(); // lost on the way: the leader sends the snapshot again
                }

                if (assembly.IsComplete)
                {
                    store.ReceiveSnapshot(assembly.Message!, assembly.Data());
                    return new Done();
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The sender hung up or the server stops before the file was whole: nothing is delivered.
        }
        catch (InvalidProtocolBufferException bad)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the snapshot message does not describe a snapshot file: {bad.Message}"));
        }

        return new Done();
    }

    // Hands what arrives to the store (dropped while the store is isolated) until the sender
    // hangs up or the server stops; then answers Done.
    private async Task<Done> ReceiveAsync<T>(IAsyncStreamReader<T> stream, Action<T> handOn, CancellationToken callEnded)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(callEnded, _stopping.Token);
        try
        {
            while (await stream.MoveNext(ended.Token).ConfigureAwait(false))
            {
                if (!_faults.IsIsolated)
                {
                    handOn(stream.Current);
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The sender hung up or the server stops: what arrived was handed on.
        }

        return new Done();
    }

    private static RpcException Standalone(string rpc) =>
        new(new Status(StatusCode.Unimplemented, $"{rpc} carries messages between the stores of a replicated cluster; this server runs standalone storage (start it with --store-id and --cluster to replicate)"));
}
