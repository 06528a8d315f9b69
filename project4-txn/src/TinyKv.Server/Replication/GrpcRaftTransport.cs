using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Snap;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Replication;

/// <summary>
/// Sends a store's raft messages to the other stores of the cluster over gRPC, as TinyKV servers
/// do: ordinary messages on one long-lived <c>Raft</c> stream per store, each snapshot on a
/// <c>Snapshot</c> stream of its own (the message, then the file in chunks; see
/// <see cref="SnapshotChunks"/>).
/// </summary>
/// <remarks>
/// <see cref="Send"/> runs on the store's loop and never blocks: it queues the message for the
/// target store's sender, which runs on the thread pool. A message to an unknown store, one that
/// finds its queue full, or one in flight when a connection breaks is dropped; Raft resends what
/// matters. A broken connection is opened again after a short pause.
/// </remarks>
public sealed class GrpcRaftTransport : ITransport, IAsyncDisposable
{
    private const int QueuedMessages = 4096;
    private const int QueuedSnapshots = 2;
    private static readonly TimeSpan Reconnect = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<ulong, Link> _links = [];
    private readonly SnapshotFiles _files;
    private readonly int _chunkBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>A transport sending from store <paramref name="storeId"/> to the other stores of <paramref name="cluster"/>.</summary>
    /// <param name="storeId">This store.</param>
    /// <param name="cluster">Every store of the cluster and the address it serves on.</param>
    /// <param name="files">The store's snapshot files, where a snapshot's data waits to be sent.</param>
    /// <param name="chunkBytes">The largest piece of a snapshot file one chunk carries.</param>
    /// <param name="logger">Where connection trouble is logged (at debug level: a peer being down is normal).</param>
    public GrpcRaftTransport(ulong storeId, ClusterMembers cluster, SnapshotFiles files, int chunkBytes, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        _files = files;
        _chunkBytes = chunkBytes;
        _logger = logger;
        foreach (var (id, address) in cluster.Stores.Where(s => s.Key != storeId))
        {
            _links[id] = new Link(this, id, address);
        }
    }

    /// <inheritdoc/>
    public void Send(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ToPeer is null || !_links.TryGetValue(message.ToPeer.StoreId, out var link))
        {
            return;
        }

        if (!SnapshotChunks.IsSnapshot(message))
        {
            link.Messages.Writer.TryWrite(message);
            return;
        }

        // Read the file here, on the store's loop: a newer snapshot may replace it later.
        if (_files.Get(SnapshotChunks.KeyOf(message)) is { } data)
        {
            link.Snapshots.Writer.TryWrite((message, data));
        }
    }

    /// <summary>Stops every sender and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var link in _links.Values)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private sealed class Link : IAsyncDisposable
    {
        private readonly GrpcRaftTransport _owner;
        private readonly ulong _storeId;
        private readonly GrpcChannel _channel;
        private readonly TinyKvClient _client;
        private readonly Task _messagePump;
        private readonly Task _snapshotPump;

        public Link(GrpcRaftTransport owner, ulong storeId, Uri address)
        {
            _owner = owner;
            _storeId = storeId;
            _channel = GrpcChannel.ForAddress(address);
            _client = new TinyKvClient(_channel);
            var full = new BoundedChannelOptions(QueuedMessages) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true };
            Messages = Channel.CreateBounded<RaftMessage>(full);
            Snapshots = Channel.CreateBounded<(RaftMessage, byte[])>(new BoundedChannelOptions(QueuedSnapshots) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
            _messagePump = Task.Run(() => PumpAsync(SendMessagesAsync));
            _snapshotPump = Task.Run(() => PumpAsync(SendSnapshotAsync));
        }

        public Channel<RaftMessage> Messages { get; }

        public Channel<(RaftMessage Message, byte[] Data)> Snapshots { get; }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_messagePump, _snapshotPump).ConfigureAwait(false);
            _channel.Dispose();
        }

        /// <summary>Runs <paramref name="send"/> until the transport stops, pausing after each failure.</summary>
        private async Task PumpAsync(Func<CancellationToken, Task> send)
        {
            var stop = _owner._stop.Token;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await send(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or InvalidOperationException)
                {
                    _owner._logger.LogLinkBroken(_storeId, ex.Message);
                    try
                    {
                        await Task.Delay(Reconnect, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }

        /// <summary>Opens a Raft stream once there is something to send and writes messages to it until it breaks.</summary>
        private async Task SendMessagesAsync(CancellationToken stop)
        {
            var queue = Messages.Reader;
            await queue.WaitToReadAsync(stop).ConfigureAwait(false);
            using var call = _client.Raft(cancellationToken: stop);
            while (await queue.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (queue.TryRead(out var message))
                {
                    await call.RequestStream.WriteAsync(message, stop).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Sends the next queued snapshot on a stream of its own.</summary>
        private async Task SendSnapshotAsync(CancellationToken stop)
        {
            var (message, data) = await Snapshots.Reader.ReadAsync(stop).ConfigureAwait(false);
            using var call = _client.Snapshot(cancellationToken: stop);
            foreach (var chunk in SnapshotChunks.Split(message, data, _owner._chunkBytes))
            {
                await call.RequestStream.WriteAsync(chunk, stop).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await call.ResponseAsync.ConfigureAwait(false);
        }
    }
}

internal static partial class TransportLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "raft link to store {StoreId} broke ({Reason}); reconnecting")]
    public static partial void LogLinkBroken(this ILogger logger, ulong storeId, string reason);
}
