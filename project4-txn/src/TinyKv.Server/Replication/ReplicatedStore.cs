using Microsoft.Extensions.Logging;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.RaftStore.Snap;
using TinyKv.Runtime;
using TinyKv.Server.Faults;
using TinyKv.Storage.Engine;
using TinyKv.Storage.RocksDb;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.Server.Replication;

/// <summary>
/// One store of a replicated server: its two RocksDB engines (<c>kv</c> and <c>raft</c> under the
/// data directory), the raftstore running on a <see cref="RealTimeLoop"/>, and the gRPC transport
/// to the other stores. The first start on empty engines bootstraps the store and the cluster's
/// one region, with a peer on every store of the cluster list (peer id = store id), exactly as
/// every other store of the list does, so they agree without a scheduler.
/// </summary>
public sealed class ReplicatedStore : IAsyncDisposable
{
    /// <summary>The id of the cluster a static cluster list makes.</summary>
    public const ulong ClusterId = 1;

    /// <summary>The id of the static cluster's one region.</summary>
    public const ulong FirstRegionId = 1;

    private readonly Engines _engines;
    private readonly RealTimeLoop _loop;
    private readonly GrpcRaftTransport _transport;
    private readonly StoreHost _store;
    private readonly SnapshotFiles _files;
    private readonly IAsyncDisposable? _schedulerClient;
    private int _stopping;
    private int _snapshotsReceived;

    private ReplicatedStore(ulong storeId, Engines engines, RealTimeLoop loop, GrpcRaftTransport transport, StoreHost store, SnapshotFiles files, IAsyncDisposable? schedulerClient = null)
    {
        StoreId = storeId;
        _schedulerClient = schedulerClient;
        _engines = engines;
        _loop = loop;
        _transport = transport;
        _store = store;
        _files = files;
    }

    /// <summary>This store's id.</summary>
    public ulong StoreId { get; }

    /// <summary>How many snapshot files other stores sent this one whole since it started.</summary>
    public int SnapshotsReceived => Volatile.Read(ref _snapshotsReceived);

    /// <summary>Opens (bootstrapping on first start) and starts store <paramref name="storeId"/> of <paramref name="cluster"/>.</summary>
    /// <param name="storeId">This store.</param>
    /// <param name="cluster">Every store of the cluster and its address.</param>
    /// <param name="dataDirectory">Where the engines are.</param>
    /// <param name="config">The raftstore's settings.</param>
    /// <param name="loggers">Where the store logs.</param>
    /// <param name="faults">The server's fault switch, which the transport obeys; none injected when null.</param>
    /// <exception cref="IOException">The data directory cannot be opened, or belongs to another store.</exception>
    public static async Task<ReplicatedStore> StartAsync(ulong storeId, ClusterMembers cluster, string dataDirectory, RaftStoreConfig config, ILoggerFactory loggers, FaultInjection? faults = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        if (!cluster.Stores.ContainsKey(storeId))
        {
            throw new ArgumentException($"store {storeId} is not in the cluster list {cluster}", nameof(storeId));
        }

        var kv = RocksDbEngine.Open(Path.Combine(dataDirectory, "kv"));
        RocksDbEngine? raft = null;
        RealTimeLoop? loop = null;
        GrpcRaftTransport? transport = null;
        try
        {
            raft = RocksDbEngine.Open(Path.Combine(dataDirectory, "raft"));
            var engines = new Engines(kv, raft);
            BootstrapIfEmpty(engines, storeId, cluster);
            var files = new SnapshotFiles();
            loop = new RealTimeLoop($"store-{storeId}", loggers.CreateLogger<RealTimeLoop>());
            transport = new GrpcRaftTransport(storeId, cluster, files, config.SnapshotChunkBytes, loggers.CreateLogger<GrpcRaftTransport>(), faults);
            // Real time already makes a server's run unrepeatable; the seed is logged so the
            // randomness (election timeouts) is at least known, and drawn as the simulator does.
            var streams = new RandomStreams(Random.Shared.NextInt64());
            loggers.CreateLogger<ReplicatedStore>().LogRandomSeed(storeId, streams.Seed);
            var store = new StoreHost(
                storeId, config, engines, loop, transport, new LoggingSchedulerClient(loggers.CreateLogger<LoggingSchedulerClient>(), loop),
                streams.Stream("store", storeId), peerId => streams.Stream("raft", peerId), snapshotFiles: files);
            await loop.InvokeAsync(() =>
            {
                store.Start();
                return true;
            }).ConfigureAwait(false);
            return new ReplicatedStore(storeId, engines, loop, transport, store, files);
        }
        catch
        {
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            loop?.Dispose();
            raft?.Dispose();
            kv.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the store under <paramref name="dataDirectory"/> as a member of the cluster
    /// <paramref name="scheduler"/> serves, as the original's node does: on first start the store
    /// gets its id from the scheduler; if the cluster is not bootstrapped yet, the store prepares
    /// the first region (one peer, its own) and bootstraps the cluster with it, or, when another
    /// store won that race, takes its preparation back and starts empty; then it registers its
    /// <paramref name="advertisedAddress"/> (<c>PutStore</c>) and starts, heartbeating to the
    /// scheduler and taking the peers its operators add.
    /// </summary>
    /// <param name="scheduler">The connection to the cluster's scheduler.</param>
    /// <param name="advertisedAddress">Where the other stores and clients reach this store (host:port).</param>
    /// <param name="dataDirectory">Where the engines are.</param>
    /// <param name="config">The raftstore's settings.</param>
    /// <param name="loggers">Where the store logs.</param>
    /// <param name="faults">The server's fault switch, which the transport and the scheduler client obey; none injected when null.</param>
    /// <param name="cancellationToken">Gives up joining the cluster.</param>
    /// <exception cref="IOException">The data directory cannot be opened, or belongs to another cluster.</exception>
    /// <exception cref="Scheduling.SchedulerCallException">The scheduler refused or did not answer a bootstrap call.</exception>
    public static async Task<ReplicatedStore> StartWithSchedulerAsync(
        Scheduling.SchedulerConnection scheduler, string advertisedAddress, string dataDirectory, RaftStoreConfig config, ILoggerFactory loggers, FaultInjection? faults = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentException.ThrowIfNullOrWhiteSpace(advertisedAddress);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        var kv = RocksDbEngine.Open(Path.Combine(dataDirectory, "kv"));
        RocksDbEngine? raft = null;
        RealTimeLoop? loop = null;
        GrpcRaftTransport? transport = null;
        Scheduling.GrpcSchedulerClient? client = null;
        var logger = loggers.CreateLogger<ReplicatedStore>();
        try
        {
            raft = RocksDbEngine.Open(Path.Combine(dataDirectory, "raft"));
            var engines = new Engines(kv, raft);
            var storeId = await JoinClusterAsync(engines, scheduler, advertisedAddress, logger, cancellationToken).ConfigureAwait(false);
            var files = new SnapshotFiles();
            loop = new RealTimeLoop($"store-{storeId}", loggers.CreateLogger<RealTimeLoop>());
            client = new Scheduling.GrpcSchedulerClient(scheduler, loop, loggers.CreateLogger<Scheduling.GrpcSchedulerClient>(), faults);
            transport = new GrpcRaftTransport(storeId, client, files, config.SnapshotChunkBytes, loggers.CreateLogger<GrpcRaftTransport>(), faults);
            var streams = new RandomStreams(Random.Shared.NextInt64());
            logger.LogRandomSeed(storeId, streams.Seed);
            var store = new StoreHost(
                storeId, config, engines, loop, transport, client,
                streams.Stream("store", storeId), peerId => streams.Stream("raft", peerId), snapshotFiles: files);
            await loop.InvokeAsync(() =>
            {
                store.Start();
                return true;
            }).ConfigureAwait(false);
            return new ReplicatedStore(storeId, engines, loop, transport, store, files, client);
        }
        catch
        {
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            loop?.Dispose();
            raft?.Dispose();
            kv.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Proposes <paramref name="requests"/> to the region <paramref name="ctx"/> names (or the
    /// store's only region); the task ends with the response and, for a <c>Snap</c> command, a
    /// snapshot of the kv engine the caller disposes.
    /// </summary>
    public Task<(RaftCmdResponse Response, IEngineSnapshot? Snapshot)> Propose(Context? ctx, IReadOnlyList<Request> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var answer = new TaskCompletionSource<(RaftCmdResponse, IEngineSnapshot?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Volatile.Read(ref _stopping) == 1)
        {
            answer.SetResult((RegionErrors.Response(new Proto.Errorpb.Error { Message = $"store {StoreId} is stopping" }), null));
            return answer.Task;
        }

        _loop.Post(() =>
        {
            var callback = new Callback((response, snapshot) =>
            {
                if (!answer.TrySetResult((response, snapshot)))
                {
                    snapshot?.Dispose();
                }
            });
            if (HeaderFor(ctx) is not { } header)
            {
                callback.Done(RegionErrors.Response(new Proto.Errorpb.Error
                {
                    Message = $"the request's context names no region, and store {StoreId} holds {_store.Peers.Count} regions",
                }));
                return;
            }

            var request = new RaftCmdRequest { Header = header };
            request.Requests.AddRange(requests);
            _store.ProposeCommand(request, callback);
        });
        return answer.Task;
    }

    /// <summary>What each peer of the store is doing right now: role, term, applied and truncated indexes.</summary>
    public Task<IReadOnlyList<PeerStatus>> StatusAsync() =>
        _loop.InvokeAsync<IReadOnlyList<PeerStatus>>(() =>
            [.. _store.Peers.Select(p => new PeerStatus(p.RegionId, p.PeerId, p.IsLeader, p.Term, p.Storage.AppliedIndex, p.Storage.TruncatedIndex))]);

    /// <summary>Gives up on a proposal's answer: a snapshot it brings later is disposed.</summary>
    public static void Abandon(Task<(RaftCmdResponse Response, IEngineSnapshot? Snapshot)> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        _ = DisposeWhenAnsweredAsync(answer);

        static async Task DisposeWhenAnsweredAsync(Task<(RaftCmdResponse Response, IEngineSnapshot? Snapshot)> answer)
        {
            var (_, snapshot) = await answer.ConfigureAwait(false);
            snapshot?.Dispose();
        }
    }

    /// <summary>Hands a raft message from another store to this one (any thread).</summary>
    public void Receive(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _loop.Post(() => _store.OnRaftMessage(message));
    }

    /// <summary>Hands raft messages from another store to this one, in order, as one action of its loop (any thread).</summary>
    public void Receive(IReadOnlyList<RaftMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _loop.Post(() =>
        {
            foreach (var message in messages)
            {
                _store.OnRaftMessage(message);
            }
        });
    }

    /// <summary>Keeps a received snapshot file, then hands its message to the store (any thread).</summary>
    public void ReceiveSnapshot(RaftMessage message, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(data);
        _files.Put(SnapshotChunks.KeyOf(message), data);
        Interlocked.Increment(ref _snapshotsReceived);
        Receive(message);
    }

    /// <summary>Stops the transport, then the store (proposals waiting are never answered), then closes the engines.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        if (_schedulerClient is not null)
        {
            await _schedulerClient.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _loop.InvokeAsync(() =>
            {
                _store.Stop();
                return true;
            }).ConfigureAwait(false);
        }
        finally
        {
            _loop.Dispose();
            _engines.Kv.Dispose();
            _engines.Raft.Dispose();
        }
    }

    /// <summary>The store's id, after the steps of <see cref="StartWithSchedulerAsync"/> that come before starting it.</summary>
    private static async Task<ulong> JoinClusterAsync(Engines engines, Scheduling.SchedulerConnection scheduler, string advertisedAddress, ILogger logger, CancellationToken cancellationToken)
    {
        ulong storeId;
        if (Bootstrap.StoreIdent(engines) is { } ident)
        {
            if (ident.ClusterId != scheduler.ClusterId)
            {
                throw new IOException(
                    $"the data directory holds store {ident.StoreId} of cluster {ident.ClusterId}, but the scheduler at {scheduler.Addresses} serves cluster {scheduler.ClusterId}");
            }

            storeId = ident.StoreId;
        }
        else
        {
            storeId = await scheduler.AllocIdAsync(cancellationToken).ConfigureAwait(false);
            Bootstrap.BootstrapStore(engines, scheduler.ClusterId, storeId);
            logger.LogNewStore(storeId, scheduler.ClusterId);
        }

        var store = new Store { Id = storeId, Address = advertisedAddress, State = StoreState.Up };
        var prepared = Bootstrap.PreparedRegion(engines);
        if (prepared is null && !await scheduler.IsBootstrappedAsync(cancellationToken).ConfigureAwait(false) && !HoldsRegions(engines))
        {
            prepared = new Region
            {
                Id = await scheduler.AllocIdAsync(cancellationToken).ConfigureAwait(false),
                RegionEpoch = new RegionEpoch { Version = MetaStore.InitEpochVersion, ConfVer = MetaStore.InitEpochConfVersion },
            };
            prepared.Peers.Add(new MetaPeer { Id = await scheduler.AllocIdAsync(cancellationToken).ConfigureAwait(false), StoreId = storeId });
            Bootstrap.PrepareBootstrapCluster(engines, prepared);
        }

        if (prepared is not null)
        {
            if (await scheduler.BootstrapAsync(store, cancellationToken).ConfigureAwait(false) == Proto.Schedulerpb.ErrorType.AlreadyBootstrapped)
            {
                Bootstrap.DiscardPreparedCluster(engines, prepared);
                logger.LogJoined(storeId, scheduler.ClusterId);
            }
            else
            {
                Bootstrap.ClearPrepareBootstrapState(engines);
                logger.LogBootstrapped(storeId, scheduler.ClusterId, prepared.Id);
            }
        }

        await scheduler.PutStoreAsync(store, cancellationToken).ConfigureAwait(false);
        return storeId;
    }

    /// <summary>Whether the kv engine holds any region's state (a store that served before).</summary>
    private static bool HoldsRegions(Engines engines)
    {
        using var snapshot = engines.Kv.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        iterator.Seek(Keys.RegionMetaMinKey);
        return iterator.Valid && ByteComparer.Compare(iterator.Key, Keys.RegionMetaMaxKey) < 0;
    }

    private static void BootstrapIfEmpty(Engines engines, ulong storeId, ClusterMembers cluster)
    {
        if (Bootstrap.StoreIdent(engines) is { } ident)
        {
            if (ident.StoreId != storeId)
            {
                throw new IOException($"the data directory holds store {ident.StoreId}, not store {storeId}");
            }

            return;
        }

        var region = new Region
        {
            Id = FirstRegionId,
            RegionEpoch = new RegionEpoch { Version = MetaStore.InitEpochVersion, ConfVer = MetaStore.InitEpochConfVersion },
        };
        region.Peers.AddRange(cluster.Stores.Keys.Select(id => new MetaPeer { Id = id, StoreId = id }));
        Bootstrap.BootstrapStore(engines, ClusterId, storeId);
        Bootstrap.PrepareBootstrapCluster(engines, region);
        Bootstrap.ClearPrepareBootstrapState(engines);
    }

    /// <summary>The header of a command for the region <paramref name="ctx"/> names, or for the store's only region. On the loop.</summary>
    private RaftRequestHeader? HeaderFor(Context? ctx)
    {
        if (ctx is { RegionId: > 0 })
        {
            return new RaftRequestHeader
            {
                RegionId = ctx.RegionId,
                RegionEpoch = ctx.RegionEpoch?.Clone(),
                Peer = ctx.Peer?.Clone() ?? _store.PeerOf(ctx.RegionId)?.Meta.Clone(),
            };
        }

        if (_store.Peers.Count != 1)
        {
            return null;
        }

        var peer = _store.Peers.First();
        return new RaftRequestHeader { RegionId = peer.RegionId, RegionEpoch = peer.Region.RegionEpoch.Clone(), Peer = peer.Meta.Clone() };
    }

    /// <summary>
    /// A scheduler client for a static cluster: there is no scheduler, so region heartbeats are
    /// only logged (when the leader changes), nobody sends orders, and a region cannot split.
    /// </summary>
    private sealed class LoggingSchedulerClient(ILogger logger, IScheduler loop) : ISchedulerClient
    {
        private ulong _lastLeader;

        public void SetRegionHeartbeatHandler(Action<Proto.Schedulerpb.RegionHeartbeatResponse> handler)
        {
        }

        public void RegionHeartbeat(Proto.Schedulerpb.RegionHeartbeatRequest request)
        {
            if (request.Leader is { } leader && leader.Id != _lastLeader)
            {
                _lastLeader = leader.Id;
                logger.LogLeads(leader.StoreId, request.Region?.Id ?? 0);
            }
        }

        public void StoreHeartbeat(Proto.Schedulerpb.StoreStats stats)
        {
        }

        public void AskSplit(Region region, Action<Proto.Schedulerpb.AskSplitResponse> answer)
        {
            var refusal = new Proto.Schedulerpb.AskSplitResponse
            {
                Header = new Proto.Schedulerpb.ResponseHeader
                {
                    Error = new Proto.Schedulerpb.Error
                    {
                        Type = Proto.Schedulerpb.ErrorType.Unknown,
                        Message = $"region {region.Id} cannot split: a static cluster has no scheduler to allocate ids",
                    },
                },
            };
            loop.Post(() => answer(refusal));
        }
    }
}

/// <summary>One peer of a store at one moment.</summary>
/// <param name="RegionId">The peer's region.</param>
/// <param name="PeerId">The peer's id.</param>
/// <param name="IsLeader">Whether it leads its region.</param>
/// <param name="Term">Its Raft term.</param>
/// <param name="AppliedIndex">The last log index it applied.</param>
/// <param name="TruncatedIndex">The last log index compacted away.</param>
public sealed record PeerStatus(ulong RegionId, ulong PeerId, bool IsLeader, ulong Term, ulong AppliedIndex, ulong TruncatedIndex);

internal static partial class ReplicatedStoreLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} draws its randomness from seed {Seed}")]
    public static partial void LogRandomSeed(this ILogger logger, ulong storeId, long seed);

    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} is new: the scheduler of cluster {ClusterId} gave it its id")]
    public static partial void LogNewStore(this ILogger logger, ulong storeId, ulong clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} bootstrapped cluster {ClusterId} with region {RegionId}")]
    public static partial void LogBootstrapped(this ILogger logger, ulong storeId, ulong clusterId, ulong regionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} joins cluster {ClusterId}, which another store bootstrapped first")]
    public static partial void LogJoined(this ILogger logger, ulong storeId, ulong clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} leads region {RegionId}")]
    public static partial void LogLeads(this ILogger logger, ulong storeId, ulong regionId);
}
