using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Raftbatchpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Snap;
using TinyKv.Server.Faults;
using RaftBatchClient = TinyKv.Proto.Raftbatchpb.RaftBatch.RaftBatchClient;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Replication;

/// <summary>
/// Sends a store's raft messages to the other stores of the cluster over gRPC: ordinary messages
/// on one long-lived stream per store, each snapshot on a <c>Snapshot</c> stream of its own (the
/// message, then the file in chunks; see <see cref="SnapshotChunks"/>). The ordinary messages go
/// in batches (<c>raftbatchpb.RaftBatch</c>): everything queued for a store when its sender wakes
/// leaves as one gRPC message, so the messages of many regions in one round cost one frame and
/// one flush. To a store that does not serve batches, they go one by one on the <c>Raft</c>
/// stream of the TinyKV protocol.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Send"/> runs on the store's loop and never blocks: it queues the message for the
/// target store's sender, which runs on the thread pool. A sender is made the first time a store
/// is sent to; it learns the store's address from <see cref="IStoreAddresses"/> (a static list, or
/// the scheduler) and asks again after a connection fails. A message to a store whose address is
/// unknown, one that finds its queue full, or one in flight when a connection breaks is dropped;
/// Raft resends what matters. A broken connection is opened again after a short pause.
/// </para>
/// <para>
/// When a connection fails, everything queued for the store is dropped, and so is everything sent
/// to it until the pause ends. A store that was down therefore gets fresh messages when it comes
/// back, never the backlog of its absence: Raft sends it what it still needs, a snapshot when the
/// log has been compacted since. (A backlog would cost memory for as long as the store is down,
/// and would replay appends the leader's log no longer holds.) While the store is isolated
/// (<see cref="FaultInjection"/>) every message and snapshot is dropped, those already queued
/// included, as a cut network would lose them.
/// </para>
/// </remarks>
public sealed class GrpcRaftTransport : ITransport, IAsyncDisposable
{
    private const int QueuedMessages = 4096;
    private const int BatchMessages = 256;
    private const int BatchBytes = 1024 * 1024; // well below a server's receive limit; a larger message goes alone
    private const int QueuedSnapshots = 2;
    private static readonly TimeSpan DefaultReconnectPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RefusalWait = TimeSpan.FromSeconds(1);

    private readonly ulong _storeId;
    private readonly IStoreAddresses _addresses;
    private readonly Dictionary<ulong, Link> _links = [];
    private readonly Lock _linksLock = new();
    private readonly SnapshotFiles _files;
    private readonly int _chunkBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly FaultInjection _faults;
    private readonly TimeSpan _reconnectPause;

    /// <summary>A transport sending from store <paramref name="storeId"/> to the stores <paramref name="addresses"/> locates.</summary>
    /// <param name="storeId">This store.</param>
    /// <param name="addresses">Where the other stores serve.</param>
    /// <param name="files">The store's snapshot files, where a snapshot's data waits to be sent.</param>
    /// <param name="chunkBytes">The largest piece of a snapshot file one chunk carries.</param>
    /// <param name="logger">Where connection trouble is logged (at debug level: a peer being down is normal).</param>
    /// <param name="faults">The server's fault switch; none injected when null.</param>
    /// <param name="reconnectPause">How long a link to a store stays down after a failure before it tries again (200 ms when null).</param>
    public GrpcRaftTransport(ulong storeId, IStoreAddresses addresses, SnapshotFiles files, int chunkBytes, ILogger logger, FaultInjection? faults = null, TimeSpan? reconnectPause = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        _storeId = storeId;
        _addresses = addresses;
        _files = files;
        _chunkBytes = chunkBytes;
        _logger = logger;
        _faults = faults ?? new FaultInjection();
        _reconnectPause = reconnectPause ?? DefaultReconnectPause;
        ArgumentOutOfRangeException.ThrowIfLessThan(_reconnectPause, TimeSpan.Zero, nameof(reconnectPause));
    }

    /// <inheritdoc/>
    public void Send(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_faults.IsIsolated || message.ToPeer is not { StoreId: var to } || to == _storeId || LinkTo(to) is not { } link)
        {
            return;
        }

        if (!SnapshotChunks.IsSnapshot(message))
        {
            link.Messages.Offer(message);
            return;
        }

        // Read the file here, on the store's loop: a newer snapshot may replace it later.
        if (_files.Get(SnapshotChunks.KeyOf(message)) is { } data)
        {
            link.Snapshots.Offer((message, data));
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
        Link[] links;
        lock (_linksLock)
        {
            links = [.. _links.Values];
        }

        foreach (var link in links)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>The sender to store <paramref name="storeId"/>, made on first use; null once the transport stops.</summary>
    private Link? LinkTo(ulong storeId)
    {
        lock (_linksLock)
        {
            if (_stop.IsCancellationRequested)
            {
                return null;
            }

            if (!_links.TryGetValue(storeId, out var link))
            {
                link = _links[storeId] = new Link(this, storeId);
            }

            return link;
        }
    }

    private sealed class Link : IAsyncDisposable
    {
        private readonly GrpcRaftTransport _owner;
        private readonly ulong _storeId;
        private readonly Task _messagePump;
        private readonly Task _snapshotPump;
        private readonly SemaphoreSlim _connecting = new(1, 1);
        private (Uri Address, GrpcChannel Channel, Clients Clients)? _connection;
        private bool _failed;
        private bool _batchesRefused; // the store does not serve RaftBatch: messages go one by one on Raft

        public Link(GrpcRaftTransport owner, ulong storeId)
        {
            _owner = owner;
            _storeId = storeId;
            _messagePump = Task.Run(() => PumpAsync(Messages, SendMessagesAsync));
            _snapshotPump = Task.Run(() => PumpAsync(Snapshots, SendSnapshotAsync));
        }

        public Outbox<RaftMessage> Messages { get; } = new(QueuedMessages);

        public Outbox<(RaftMessage Message, byte[] Data)> Snapshots { get; } = new(QueuedSnapshots);

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_messagePump, _snapshotPump).ConfigureAwait(false);
            _connection?.Channel.Dispose();
            _connecting.Dispose();
        }

        /// <summary>
        /// The client for the store's current address: asked for once, and again after a
        /// failure (a new channel when the address changed). Null while the address is unknown.
        /// </summary>
        private async Task<Clients?> ClientAsync(CancellationToken stop)
        {
            await _connecting.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                if (_connection is { } known && !_failed)
                {
                    return known.Clients;
                }

                var address = await _owner._addresses.ResolveAsync(_storeId, refresh: _failed, stop).ConfigureAwait(false);
                _failed = false;
                if (address is null)
                {
                    return null;
                }

                if (_connection is { } current && current.Address == address)
                {
                    return current.Clients;
                }

                _connection?.Channel.Dispose();
                _batchesRefused = false; // a store at a new address may serve batches
                var channel = GrpcChannel.ForAddress(address);
                _connection = (address, channel, new Clients(new TinyKvClient(channel), new RaftBatchClient(channel)));
                return _connection.Value.Clients;
            }
            finally
            {
                _connecting.Release();
            }
        }

        private void MarkFailed() => _failed = true;

        /// <summary>
        /// Runs <paramref name="send"/> until the transport stops. After a failure the outbox is
        /// down for a short pause: what it held and what is offered meanwhile is dropped.
        /// </summary>
        private async Task PumpAsync<T>(Outbox<T> outbox, Func<CancellationToken, Task> send)
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
                    MarkFailed();
                    outbox.GoDown();
                    _owner._logger.LogLinkBroken(_storeId, ex.Message);
                    try
                    {
                        await Task.Delay(_owner._reconnectPause, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    outbox.ComeUp();
                }
            }
        }

        /// <summary>
        /// Sends what is queued, in order, while the stream lasts: in batches, or one by one to a
        /// store that refused batches.
        /// </summary>
        private async Task SendMessagesAsync(CancellationToken stop)
        {
            var queue = Messages.Reader;
            await queue.WaitToReadAsync(stop).ConfigureAwait(false);
            if (await ClientAsync(stop).ConfigureAwait(false) is not { } clients)
            {
                throw new InvalidOperationException($"the address of store {_storeId} is not known");
            }

            if (_batchesRefused)
            {
                await SendOneByOneAsync(clients.Raft, queue, stop).ConfigureAwait(false);
                return;
            }

            using var call = clients.Batches.Messages(cancellationToken: stop);
            try
            {
                while (await queue.WaitToReadAsync(stop).ConfigureAwait(false))
                {
                    var batch = NextBatch(queue);
                    if (!_owner._faults.IsIsolated)
                    {
                        await call.RequestStream.WriteAsync(batch, stop).ConfigureAwait(false);
                    }
                }
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
                // A write may meet the stream the other store closed before the store's answer
                // arrives: the answer says whether the store refused batches.
                if (!await RefusedAsync(call.ResponseAsync).ConfigureAwait(false))
                {
                    throw;
                }

                // A store of the original protocol: the batch in flight is lost, Raft sends again.
                _batchesRefused = true;
                _owner._logger.LogBatchesRefused(_storeId);
            }
        }

        /// <summary>What is queued, up to <see cref="BatchMessages"/> messages or about <see cref="BatchBytes"/> bytes (at least one message).</summary>
        private static RaftMessageBatch NextBatch(ChannelReader<RaftMessage> queue)
        {
            var batch = new RaftMessageBatch();
            var bytes = 0;
            while (batch.Messages.Count < BatchMessages && queue.TryPeek(out var next))
            {
                var size = next.CalculateSize();
                if (batch.Messages.Count > 0 && bytes + size > BatchBytes)
                {
                    break;
                }

                queue.TryRead(out _);
                batch.Messages.Add(next);
                bytes += size;
            }

            return batch;
        }

        private async Task SendOneByOneAsync(TinyKvClient client, ChannelReader<RaftMessage> queue, CancellationToken stop)
        {
            using var call = client.Raft(cancellationToken: stop);
            while (await queue.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (queue.TryRead(out var message))
                {
                    if (!_owner._faults.IsIsolated)
                    {
                        await call.RequestStream.WriteAsync(message, stop).ConfigureAwait(false);
                    }
                }
            }
        }

        // Whether the call ended because the other server does not serve it (waits a moment for its answer).
        private static async Task<bool> RefusedAsync(Task<Done> response)
        {
            try
            {
                await response.WaitAsync(RefusalWait).ConfigureAwait(false);
                return false;
            }
            catch (RpcException answer)
            {
                return answer.StatusCode == StatusCode.Unimplemented;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        /// <summary>Sends the next queued snapshot on a stream of its own.</summary>
        private async Task SendSnapshotAsync(CancellationToken stop)
        {
            var (message, data) = await Snapshots.Reader.ReadAsync(stop).ConfigureAwait(false);
            if (_owner._faults.IsIsolated)
            {
                return; // queued before the cut: lost with it
            }

            if (await ClientAsync(stop).ConfigureAwait(false) is not { } clients)
            {
                throw new InvalidOperationException($"the address of store {_storeId} is not known; snapshot for region {message.RegionId} dropped");
            }

            using var call = clients.Raft.Snapshot(cancellationToken: stop);
            foreach (var chunk in SnapshotChunks.Split(message, data, _owner._chunkBytes))
            {
                await call.RequestStream.WriteAsync(chunk, stop).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await call.ResponseAsync.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What waits to be sent to one store on one kind of stream, in order; bounded, a write to a
    /// full outbox is dropped. While the link is down nothing is kept.
    /// </summary>
    private sealed class Outbox<T>(int capacity)
    {
        private readonly Channel<T> _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

        private volatile bool _down;

        public ChannelReader<T> Reader => _queue.Reader;

        /// <summary>Queues <paramref name="item"/> unless the link is down or the outbox is full (any thread).</summary>
        public void Offer(T item)
        {
            if (!_down)
            {
                _queue.Writer.TryWrite(item);
            }
        }

        /// <summary>The link failed: drops what waits, and what is offered until <see cref="ComeUp"/>.</summary>
        public void GoDown()
        {
            _down = true;
            Drop();
        }

        /// <summary>The pause after a failure ended: drops what slipped in while going down, then keeps what is offered.</summary>
        public void ComeUp()
        {
            Drop();
            _down = false;
        }

        private void Drop()
        {
            while (_queue.Reader.TryRead(out _))
            {
            }
        }
    }
}

/// <summary>The clients of one connection to another store.</summary>
internal sealed record Clients(TinyKvClient Raft, RaftBatchClient Batches);

internal static partial class TransportLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} does not serve raft message batches; sending its messages one by one")]
    public static partial void LogBatchesRefused(this ILogger logger, ulong storeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "raft link to store {StoreId} broke ({Reason}); reconnecting")]
    public static partial void LogLinkBroken(this ILogger logger, ulong storeId, string reason);
}
