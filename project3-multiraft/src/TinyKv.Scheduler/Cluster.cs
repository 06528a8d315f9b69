using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Runtime;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Storage;

namespace TinyKv.Scheduler;

/// <summary>
/// The scheduler's view of the cluster, kept from heartbeats: every store with its statistics,
/// every region in a range tree, who leads what, which peers lag. Region heartbeats update it
/// (refusing stale ones) and get the region's next operator step in return; the schedulers read it.
/// </summary>
/// <remarks>
/// A state machine: no I/O besides the <see cref="SchedulerStorage"/> it is given, time from the
/// loop's clock, and not thread-safe: a server calls it on one loop, as the simulator does.
/// </remarks>
public sealed partial class Cluster : IClusterView
{
    private readonly IScheduler _loop;
    private readonly IdAllocator _ids;
    private readonly SchedulerStorage? _storage;
    private readonly ILogger _logger;

    /// <summary>Creates an empty cluster.</summary>
    /// <param name="loop">The loop's clock (and timers, for the coordinator).</param>
    /// <param name="ids">Allocates ids for new peers.</param>
    /// <param name="options">The scheduling options.</param>
    /// <param name="storage">Where stores and regions are saved; null keeps them in memory only.</param>
    /// <param name="streams">Where operator steps go to region leaders; null sends nothing.</param>
    /// <param name="loggers">Logging; null logs nothing.</param>
    public Cluster(IScheduler loop, IdAllocator ids, ScheduleOptions options, SchedulerStorage? storage = null, IHeartbeatStreams? streams = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(options);
        _loop = loop;
        _ids = ids;
        _storage = storage;
        Options = options;
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<Cluster>();
        Operators = new OperatorController(this, streams, loggers.CreateLogger<OperatorController>());
    }

    /// <summary>The stores and regions.</summary>
    public BasicCluster Core { get; } = new();

    /// <summary>The operators running on the cluster's regions.</summary>
    public OperatorController Operators { get; }

    /// <inheritdoc />
    public ScheduleOptions Options { get; }

    /// <inheritdoc />
    public long Now => _loop.Now;

    /// <summary>
    /// Handles a region heartbeat the way a server does: records the region
    /// (<see cref="ProcessRegionHeartbeat"/>), then lets the region's operator, if any, look at
    /// the report and send the leader its next step.
    /// </summary>
    /// <exception cref="StaleRegionException">The heartbeat is older than what is known; nothing changed.</exception>
    public void HandleRegionHeartbeat(RegionInfo region)
    {
        ProcessRegionHeartbeat(region);
        Operators.Dispatch(region, DispatchSource.Heartbeat);
    }

    /// <summary>
    /// Records what a region heartbeat reports, unless it is stale. The report is stale if its
    /// epoch is older than that of the region with the same id, or of any region its range
    /// overlaps: an older <c>version</c> (checked first; a split or merge happened since) or an
    /// older <c>conf_ver</c> (a membership change happened since). A fresh report replaces the
    /// region with its id in the range tree, drops the regions it overlaps, records its leader,
    /// pending peers and approximate size, saves it, and brings the counts and sizes of every
    /// store it touches (before and after) up to date.
    /// </summary>
    /// <exception cref="StaleRegionException">The heartbeat is stale; nothing changed.</exception>
    public void ProcessRegionHeartbeat(RegionInfo region)
    {
#if TINYKV_REF_3C
        ArgumentNullException.ThrowIfNull(region);
        var origin = Core.Regions.GetRegion(region.Id);
        if (origin is not null)
        {
            ThrowIfStale(region, origin);
        }

        foreach (var overlap in Core.Regions.GetOverlaps(region))
        {
            ThrowIfStale(region, overlap);
        }

        var overlaps = Core.Regions.SetRegion(region);
        _storage?.SaveRegion(region.Meta);
        foreach (var dropped in overlaps)
        {
            _storage?.DeleteRegion(dropped.Id);
            LogRegionDropped(dropped.Id, region.Id);
        }

        var touched = new SortedSet<ulong>(region.StoreIds.Concat(region.PendingPeers.Select(p => p.StoreId)));
        foreach (var old in overlaps.Append(origin).OfType<RegionInfo>())
        {
            touched.UnionWith(old.StoreIds);
        }

        foreach (var storeId in touched)
        {
            Core.UpdateStoreStatus(storeId);
        }
#else
        throw Todo.Slot("3C", "refuse a heartbeat whose epoch is older than the known region with its id or any region it overlaps (version, then conf_ver), then put it in the range tree and update the stores it touches; see the 3C handout, 'Region heartbeats'");
#endif
    }

#if TINYKV_REF_3C
    /// <summary>Throws if <paramref name="region"/>'s epoch is older than <paramref name="known"/>'s in version or in conf_ver.</summary>
    private static void ThrowIfStale(RegionInfo region, RegionInfo known)
    {
        if (region.Epoch.Version < known.Epoch.Version || region.Epoch.ConfVer < known.Epoch.ConfVer)
        {
            throw new StaleRegionException(region.Meta, known.Meta);
        }
    }
#endif

    [LoggerMessage(Level = LogLevel.Debug, Message = "region {RegionId} dropped: region {NewRegionId} overlaps it")]
    private partial void LogRegionDropped(ulong regionId, ulong newRegionId);
}
