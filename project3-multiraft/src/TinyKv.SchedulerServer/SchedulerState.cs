using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Runtime;
using TinyKv.Scheduler;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Schedulers;
using TinyKv.Scheduler.Storage;
using TinyKv.Scheduler.Tso;
using ClusterMeta = TinyKv.Proto.Metapb.Cluster;
using TsoTimestamp = TinyKv.Proto.Schedulerpb.Timestamp;

namespace TinyKv.SchedulerServer;

/// <summary>
/// Everything the scheduler's loop owns: the cluster id, the cluster's metadata once bootstrapped,
/// the cluster (stores, regions, operators), the coordinator, the timestamp oracle and the id
/// allocator. Each method answers one RPC after the service checked its cluster id; a refusal the
/// original scheduler answers with a gRPC status is thrown as an <see cref="RpcException"/>, one it
/// answers in the response header is returned there.
/// </summary>
/// <remarks>
/// Not thread-safe, by design: every member runs on the server's <see cref="RealTimeLoop"/>
/// (the service reaches it through <see cref="RealTimeLoop.InvokeAsync{T}"/>), the way the
/// simulator runs the same core on its one thread.
/// </remarks>
public sealed partial class SchedulerState : IDisposable
{
    private readonly IScheduler _loop;
    private readonly SchedulerStorage _storage;
    private readonly IdAllocator _ids;
    private readonly TimestampOracle _tso;
    private readonly RandomStreams _random;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private ClusterMeta? _meta;
    private Coordinator? _coordinator;
    private ITimerHandle? _tsoTimer;

    /// <summary>
    /// Opens the scheduler's state over <paramref name="kv"/>: picks and saves a cluster id on the
    /// first start, starts the timestamp oracle above every timestamp handed out before, and if the
    /// cluster was bootstrapped loads its stores and regions and starts scheduling. Call on the loop.
    /// </summary>
    public SchedulerState(IScheduler loop, ISchedulerKv kv, IPhysicalClock clock, ScheduleOptions options, long seed, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(kv);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _loop = loop;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SchedulerState>();
        _random = new RandomStreams(seed);
        _storage = new SchedulerStorage(kv);
        ClusterId = _storage.LoadClusterId();
        if (ClusterId == 0)
        {
            ClusterId = NewClusterId(clock.UnixMillis, _random);
            _storage.SaveClusterId(ClusterId);
        }

        _ids = new IdAllocator(_storage);
        _tso = new TimestampOracle(_storage, clock);
        _tso.Initialize();
        ScheduleTsoUpdate();
        Streams = new HeartbeatStreams(ClusterId);
        Cluster = new Scheduler.Cluster(loop, _ids, options, _storage, Streams, loggers);
        _meta = _storage.LoadMeta();
        if (_meta is not null)
        {
            Cluster.LoadFromStorage();
            StartCoordinator();
        }
    }

    /// <summary>
    /// A new cluster id, as the original picks one: seconds since the epoch in the high half,
    /// randomness (from <paramref name="random"/>'s cluster-id stream) in the low half.
    /// </summary>
    public static ulong NewClusterId(long unixMillis, RandomStreams random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return ((ulong)unixMillis / 1000 << 32) | (uint)random.Stream("cluster-id", 0).Next();
    }

    /// <summary>The cluster's id, fixed at the first start; every request must carry it.</summary>
    public ulong ClusterId { get; }

    /// <summary>The cluster's stores, regions and operators.</summary>
    public Scheduler.Cluster Cluster { get; }

    /// <summary>The RegionHeartbeat streams operator steps go out on.</summary>
    public HeartbeatStreams Streams { get; }

    /// <summary>Whether the cluster has been bootstrapped.</summary>
    public bool IsBootstrapped => _meta is not null;

    /// <summary>The response header of a request that succeeded.</summary>
    public ResponseHeader Header() => new() { ClusterId = ClusterId };

    /// <summary>The response header of a request refused with <paramref name="type"/>.</summary>
    public ResponseHeader ErrorHeader(ErrorType type, string message) =>
        new() { ClusterId = ClusterId, Error = new Error { Type = type, Message = message } };

    /// <summary>The header the original answers every cluster request with before bootstrap.</summary>
    public ResponseHeader NotBootstrappedHeader() => ErrorHeader(ErrorType.NotBootstrapped, "cluster is not bootstrapped");

    /// <summary>Stops scheduling and the oracle's updates (on the loop); the state is saved already.</summary>
    public void Dispose()
    {
        _coordinator?.Stop();
        _tsoTimer?.Cancel();
    }

    /// <summary>Hands out <paramref name="count"/> timestamps; the response carries the last.</summary>
    public TsoResponse Tso(uint count)
    {
        if (count == 0)
        {
            throw new RpcException(new Status(StatusCode.Unknown, "tso count should be positive"));
        }

        var ts = _tso.GetTimestamp(count);
        return new TsoResponse { Header = Header(), Count = count, Timestamp = new TsoTimestamp { Physical = ts.Physical, Logical = ts.Logical } };
    }

    /// <summary>Bootstraps the cluster with its first store; the first region arrives by heartbeat.</summary>
    public BootstrapResponse Bootstrap(BootstrapRequest request)
    {
        if (IsBootstrapped)
        {
            return new BootstrapResponse { Header = ErrorHeader(ErrorType.AlreadyBootstrapped, "cluster is already bootstrapped") };
        }

        var store = request.Store ?? throw Unknown($"missing store meta for bootstrap {ClusterId}");
        if (store.Id == 0)
        {
            throw Unknown("invalid zero store id");
        }

        var meta = new ClusterMeta { Id = ClusterId, MaxPeerCount = (uint)Cluster.Options.MaxReplicas };
        _storage.SaveMeta(meta);
        Cluster.PutStore(store);
        _meta = meta;
        LogBootstrapped(ClusterId, store.Id, store.Address);
        StartCoordinator();
        return new BootstrapResponse { Header = Header() };
    }

    /// <summary>A fresh id.</summary>
    public AllocIDResponse AllocId() => new() { Header = Header(), Id = _ids.Alloc() };

    /// <summary>A store's metadata and statistics; an unknown store is an error status, as in the original.</summary>
    public GetStoreResponse GetStore(ulong storeId)
    {
        if (!IsBootstrapped)
        {
            return new GetStoreResponse { Header = NotBootstrappedHeader() };
        }

        var store = Cluster.GetStore(storeId) ?? throw Unknown($"invalid store ID {storeId}, not found");
        return new GetStoreResponse { Header = Header(), Store = store.Meta.Clone(), Stats = store.Stats.Clone() };
    }

    /// <summary>Adds a store or updates its address; a tombstone is refused in the header.</summary>
    public PutStoreResponse PutStore(Store? store)
    {
        if (!IsBootstrapped)
        {
            return new PutStoreResponse { Header = NotBootstrappedHeader() };
        }

        if (store is not null && Cluster.GetStore(store.Id) is { IsTombstone: true })
        {
            return new PutStoreResponse { Header = ErrorHeader(ErrorType.StoreTombstone, "store is tombstone") };
        }

        if (store is null || store.Id == 0)
        {
            throw Unknown($"invalid put store {store}");
        }

        try
        {
            Cluster.PutStore(store);
        }
        catch (SchedulerException e)
        {
            throw Unknown(e.Message);
        }

        LogStorePut(store.Id, store.Address);
        return new PutStoreResponse { Header = Header() };
    }

    /// <summary>Every store, tombstones too unless excluded.</summary>
    public GetAllStoresResponse GetAllStores(bool excludeTombstones)
    {
        if (!IsBootstrapped)
        {
            return new GetAllStoresResponse { Header = NotBootstrappedHeader() };
        }

        var response = new GetAllStoresResponse { Header = Header() };
        response.Stores.AddRange(Cluster.GetMetaStores().Where(s => !excludeTombstones || s.State != StoreState.Tombstone).Select(s => s.Clone()));
        return response;
    }

    /// <summary>Records a store heartbeat.</summary>
    public StoreHeartbeatResponse StoreHeartbeat(StoreStats? stats)
    {
        if (stats is null)
        {
            throw Unknown("invalid store heartbeat command: no stats");
        }

        if (!IsBootstrapped)
        {
            return new StoreHeartbeatResponse { Header = NotBootstrappedHeader() };
        }

        if (Cluster.GetStore(stats.StoreId) is { IsTombstone: true })
        {
            return new StoreHeartbeatResponse { Header = ErrorHeader(ErrorType.StoreTombstone, "store is tombstone") };
        }

        try
        {
            Cluster.HandleStoreHeartbeat(stats);
        }
        catch (SchedulerException e)
        {
            throw Unknown(e.Message);
        }

        return new StoreHeartbeatResponse { Header = Header() };
    }

    /// <summary>
    /// Handles one request of a RegionHeartbeat stream: binds the stream to the leader's store,
    /// records the region, lets its operator answer; a refused heartbeat gets an error header on
    /// the stream. An unknown leader store ends the stream with an error status, as in the original.
    /// </summary>
    public void RegionHeartbeat(RegionHeartbeatRequest request, HeartbeatStream stream)
    {
        var storeId = request.Leader?.StoreId ?? 0;
        if (Cluster.GetStore(storeId) is null)
        {
            throw Unknown($"invalid store ID {storeId}, not found");
        }

        Streams.Bind(storeId, stream);
        if (request.Leader is null || request.Region is null)
        {
            LogHeartbeatWithoutLeader(storeId);
            return;
        }

        if (request.Region.Id == 0)
        {
            Streams.SendError(storeId, ErrorType.Unknown, $"invalid request region, {request}");
            return;
        }

        var region = RegionInfo.FromHeartbeat(request);
        try
        {
            Cluster.HandleRegionHeartbeat(region);
            if (region.Peers.Count == 0)
            {
                Streams.SendError(storeId, ErrorType.Unknown, $"invalid region, zero region peer count: region {region.Id}");
            }
        }
        catch (SchedulerException e)
        {
            Streams.SendError(storeId, ErrorType.Unknown, e.Message);
        }
    }

    /// <summary>The region holding <paramref name="key"/> (or, with <paramref name="previous"/>, the one before it) and its leader.</summary>
    public GetRegionResponse GetRegion(ByteString key, bool previous)
    {
        if (!IsBootstrapped)
        {
            return new GetRegionResponse { Header = NotBootstrappedHeader() };
        }

        return RegionResponse(previous ? Cluster.GetPreviousRegion(key.Span) : Cluster.GetRegionByKey(key.Span));
    }

    /// <summary>Region <paramref name="regionId"/> and its leader.</summary>
    public GetRegionResponse GetRegionById(ulong regionId) =>
        IsBootstrapped ? RegionResponse(Cluster.GetRegion(regionId)) : new GetRegionResponse { Header = NotBootstrappedHeader() };

    /// <summary>Regions from the one holding the start key on, each with its leader (an empty peer when none is known).</summary>
    public ScanRegionsResponse ScanRegions(ScanRegionsRequest request)
    {
        if (!IsBootstrapped)
        {
            return new ScanRegionsResponse { Header = NotBootstrappedHeader() };
        }

        var response = new ScanRegionsResponse { Header = Header() };
        foreach (var region in Cluster.ScanRegions(request.StartKey, request.EndKey, Math.Max(request.Limit, 0)))
        {
            response.Regions.Add(region.Meta.Clone());
            response.Leaders.Add(region.Leader?.Clone() ?? new Peer());
        }

        return response;
    }

    /// <summary>Ids for the region a split creates and for each of its peers, if the asking region is current.</summary>
    public AskSplitResponse AskSplit(Region? region)
    {
        if (!IsBootstrapped)
        {
            return new AskSplitResponse { Header = NotBootstrappedHeader() };
        }

        if (region is null)
        {
            throw Unknown("missing region for split");
        }

        var known = Cluster.GetRegionByKey(region.StartKey.Span) ?? throw Unknown($"region not found, request region: {region.Id}");
        var (asked, current) = (region.RegionEpoch ?? new RegionEpoch(), known.Epoch);
        if (asked.Version < current.Version || asked.ConfVer < current.ConfVer)
        {
            throw Unknown($"invalid region epoch, request: {asked}, current: {current}");
        }

        var response = new AskSplitResponse { Header = Header(), NewRegionId = _ids.Alloc() };
        for (var i = 0; i < region.Peers.Count; i++)
        {
            response.NewPeerIds.Add(_ids.Alloc());
        }

        return response;
    }

    /// <summary>The cluster's metadata.</summary>
    public GetClusterConfigResponse GetClusterConfig() =>
        _meta is { } meta
            ? new GetClusterConfigResponse { Header = Header(), Cluster = meta.Clone() }
            : new GetClusterConfigResponse { Header = NotBootstrappedHeader() };

    /// <summary>Replaces the cluster's metadata; its id must stay the cluster's.</summary>
    public PutClusterConfigResponse PutClusterConfig(ClusterMeta? meta)
    {
        if (!IsBootstrapped)
        {
            return new PutClusterConfigResponse { Header = NotBootstrappedHeader() };
        }

        if (meta is null || meta.Id != ClusterId)
        {
            throw Unknown($"invalid cluster {meta}, mismatch cluster id {ClusterId}");
        }

        _storage.SaveMeta(meta);
        _meta = meta.Clone();
        return new PutClusterConfigResponse { Header = Header() };
    }

    /// <summary>The GC safe point.</summary>
    public GetGCSafePointResponse GetGcSafePoint() =>
        IsBootstrapped
            ? new GetGCSafePointResponse { Header = Header(), SafePoint = _storage.LoadGcSafePoint() }
            : new GetGCSafePointResponse { Header = NotBootstrappedHeader() };

    /// <summary>Moves the GC safe point forward (never back); answers the safe point in force.</summary>
    public UpdateGCSafePointResponse UpdateGcSafePoint(ulong safePoint)
    {
        if (!IsBootstrapped)
        {
            return new UpdateGCSafePointResponse { Header = NotBootstrappedHeader() };
        }

        var old = _storage.LoadGcSafePoint();
        if (safePoint > old)
        {
            _storage.SaveGcSafePoint(safePoint);
            LogGcSafePoint(safePoint);
        }

        return new UpdateGCSafePointResponse { Header = Header(), NewSafePoint = Math.Max(safePoint, old) };
    }

    /// <summary>The running or recently ended operator of a region; none is REGION_NOT_FOUND in the header.</summary>
    public GetOperatorResponse GetOperator(ulong regionId)
    {
        if (!IsBootstrapped)
        {
            return new GetOperatorResponse { Header = NotBootstrappedHeader() };
        }

        if (Cluster.Operators.GetOperatorStatus(regionId) is not { } status)
        {
            return new GetOperatorResponse { Header = ErrorHeader(ErrorType.RegionNotFound, "Not Found") };
        }

        return new GetOperatorResponse
        {
            Header = Header(),
            RegionId = regionId,
            Desc = ByteString.CopyFromUtf8(status.Operator.Description),
            Kind = ByteString.CopyFromUtf8(status.Operator.Kind.ToString()),
            Status = status.Status,
        };
    }

    private GetRegionResponse RegionResponse(RegionInfo? region) =>
        new() { Header = Header(), Region = region?.Meta.Clone(), Leader = region?.Leader?.Clone() };

    private void StartCoordinator()
    {
        _coordinator = new Coordinator(Cluster, _loop, [
            new BalanceLeader(Cluster.Operators, _random.Stream("balance-leader", 0)),
            new BalanceRegion(Cluster.Operators, _random.Stream("balance-region", 0)),
        ], _loggers.CreateLogger<Coordinator>());
        _coordinator.Start();
    }

    private void ScheduleTsoUpdate() =>
        _tsoTimer = _loop.Schedule((long)TimestampOracle.UpdateInterval.TotalMicroseconds, () =>
        {
            _tso.UpdateTimestamp();
            ScheduleTsoUpdate();
        });

    private static RpcException Unknown(string message) => new(new Status(StatusCode.Unknown, message));

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster {ClusterId} bootstrapped with store {StoreId} at {Address}")]
    private partial void LogBootstrapped(ulong clusterId, ulong storeId, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "store {StoreId} put, address {Address}")]
    private partial void LogStorePut(ulong storeId, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a region heartbeat from store {StoreId} has no leader or no region; ignored")]
    private partial void LogHeartbeatWithoutLeader(ulong storeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "GC safe point moved to {SafePoint}")]
    private partial void LogGcSafePoint(ulong safePoint);
}
