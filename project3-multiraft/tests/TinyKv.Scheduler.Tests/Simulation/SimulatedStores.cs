using Microsoft.Extensions.Logging;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Scheduler.Core;
using TinyKv.Scheduler.Operators;
using TinyKv.Scheduler.Schedulers;
using TinyKv.Scheduler.Storage;
using TinyKv.TestKit.Simulation;

namespace TinyKv.Scheduler.Tests.Simulation;

/// <summary>
/// A model of N stores around the real scheduler (<see cref="Cluster"/> and <see cref="Coordinator"/>
/// with balance-region, balance-leader and the replica checker), on the simulator's virtual
/// clock: stores join and send store heartbeats, region leaders report their regions, the
/// scheduler's commands travel back and are carried out the way a raftstore would (one
/// membership change at a time, conf_ver bumped by each, a new peer pending until its snapshot
/// arrives, leadership only to a caught-up peer), regions grow under writes and split (version
/// bumped, new ids from the scheduler's id allocator), and a store can go down (its leaders are
/// re-elected elsewhere, it carries out nothing more).
/// </summary>
/// <remarks>
/// Every random choice draws from a stream of the simulator's seed, and everything runs on its
/// one loop, so a seed replays a run event for event. The model checks the scheduler as it
/// goes (see <c>SimulatedStores.Checks.cs</c>): a failed check fails the run with its seed.
/// </remarks>
internal sealed partial class SimulatedStores : IHeartbeatStreams
{
    /// <summary>Every store's disk size, in bytes.</summary>
    public const ulong StoreCapacity = 1UL << 40;

    private const long MiB = 1L << 20;

    private readonly Simulator _sim;
    private readonly SimulationSettings _settings;
    private readonly IdAllocator _ids;
    private readonly SortedDictionary<ulong, SimStore> _stores = [];
    private readonly SortedDictionary<ulong, SimRegion> _regions = [];
    private readonly Random _network;
    private readonly Random _raft;
    private readonly Random _workload;
    private readonly Random _placement;
    private bool _writing;

    /// <summary>Creates the scheduler (not started) and no stores yet.</summary>
    public SimulatedStores(Simulator sim, ScheduleOptions options, SimulationSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(sim);
        _sim = sim;
        _settings = settings ?? new SimulationSettings();
        var storage = new SchedulerStorage(new MemoryKv());
        _ids = new IdAllocator(storage);
        ILoggerFactory loggers = new TraceLoggers(sim);
        Cluster = new Cluster(sim, _ids, options, storage, streams: this, loggers);
        Coordinator = new Coordinator(
            Cluster,
            sim,
            [
                new BalanceRegion(Cluster.Operators, sim.Streams.Stream("balance-region", 0)),
                new BalanceLeader(Cluster.Operators, sim.Streams.Stream("balance-leader", 0)),
            ],
            loggers.CreateLogger<Coordinator>());
        _network = sim.Streams.Stream("network", 0);
        _raft = sim.Streams.Stream("raft", 0);
        _workload = sim.Streams.Stream("workload", 0);
        _placement = sim.Streams.Stream("placement", 0);
        sim.AfterEachEvent.Add(CheckOneOperatorPerRegion);
    }

    /// <summary>The scheduler's cluster view, fed only by the simulated heartbeats.</summary>
    public Cluster Cluster { get; }

    /// <summary>The scheduler's coordinator; the test starts it.</summary>
    public Coordinator Coordinator { get; }

    /// <summary>Every store that ever joined, by id.</summary>
    public IReadOnlyCollection<SimStore> Stores => _stores.Values;

    /// <summary>The stores that are alive, by id.</summary>
    public IReadOnlyList<SimStore> AliveStores => [.. _stores.Values.Where(s => s.IsAlive)];

    /// <summary>The true regions, by id.</summary>
    public IReadOnlyCollection<SimRegion> Regions => _regions.Values;

    /// <summary>How many regions split so far.</summary>
    public int Splits { get; private set; }

    /// <summary>How many membership changes applied so far.</summary>
    public int MembershipChanges { get; private set; }

    /// <summary>
    /// Starts <paramref name="storeCount"/> stores and <paramref name="regionCount"/> regions of
    /// <paramref name="regionSizeMiB"/> MiB covering the whole key space, each with
    /// <see cref="ScheduleOptions.MaxReplicas"/> peers on random distinct stores, led by a random one.
    /// Their first heartbeats go out at once.
    /// </summary>
    public void Bootstrap(int storeCount, int regionCount, long regionSizeMiB)
    {
        var replicas = Cluster.Options.MaxReplicas;
        ArgumentOutOfRangeException.ThrowIfLessThan(storeCount, replicas);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(regionCount);
        for (var i = 0; i < storeCount; i++)
        {
            AddStore();
        }

        var storeIds = _stores.Keys.ToList();
        var width = ((UInt128)ulong.MaxValue + 1) / (ulong)regionCount;
        for (var i = 0; i < regionCount; i++)
        {
            var meta = new Region
            {
                Id = _ids.Alloc(),
                StartKey = i == 0 ? Google.Protobuf.ByteString.Empty : SimRegion.Key((ulong)(width * (ulong)i)),
                EndKey = i == regionCount - 1 ? Google.Protobuf.ByteString.Empty : SimRegion.Key((ulong)(width * (ulong)(i + 1))),
                RegionEpoch = new RegionEpoch { Version = 1, ConfVer = 1 },
            };
            foreach (var storeId in storeIds.OrderBy(_ => _placement.Next()).Take(replicas).Order())
            {
                meta.Peers.Add(new Peer { Id = _ids.Alloc(), StoreId = storeId });
            }

            var region = new SimRegion(meta, meta.Peers[_placement.Next(replicas)].Id, regionSizeMiB * MiB);
            _regions.Add(region.Id, region);
            SendReport(region);
            ScheduleRegionHeartbeat(region, RandomDelay(_network, _settings.RegionHeartbeatInterval));
        }
    }

    /// <summary>A new empty store joins (id from the allocator) and starts sending store heartbeats.</summary>
    /// <returns>The new store's id.</returns>
    public ulong AddStore()
    {
        var store = new SimStore(_ids.Alloc());
        _stores.Add(store.Id, store);
        Cluster.PutStore(new Store { Id = store.Id, Address = $"127.0.0.1:{20160 + store.Id}", State = StoreState.Up });
        _sim.Record("store", $"store {store.Id} joins");
        SendStoreHeartbeat(store);
        return store.Id;
    }

    /// <summary>
    /// Store <paramref name="storeId"/> goes down for good: it sends nothing more and carries out
    /// nothing; the regions it led elect a leader among their other caught-up peers after an
    /// election timeout, if a majority of their peers is left.
    /// </summary>
    public void StopStore(ulong storeId)
    {
        var store = _stores[storeId];
        store.IsAlive = false;
        _sim.Record("store", $"store {storeId} goes down");
        foreach (var region in _regions.Values.Where(r => r.Leader?.StoreId == storeId))
        {
            var timeout = _settings.ElectionTimeout + RandomDuration(_raft, _settings.ElectionTimeout);
            _sim.Schedule(Micros(timeout), () => Elect(region));
        }
    }

    /// <summary>Starts writes: every <see cref="SimulationSettings.WriteInterval"/> a random region grows, and splits once too large.</summary>
    public void StartWrites()
    {
        if (_writing)
        {
            return;
        }

        _writing = true;
        ScheduleWrite();
    }

    /// <summary>Stops the writes; regions keep their sizes.</summary>
    public void StopWrites() => _writing = false;

    /// <summary>How many regions hold a peer on store <paramref name="storeId"/>, in truth.</summary>
    public int RegionCountOn(ulong storeId) => _regions.Values.Count(r => r.PeerOn(storeId) is not null);

    /// <summary>The total size (MiB) of the regions with a peer on store <paramref name="storeId"/>, in truth, as the scheduler counts sizes.</summary>
    public long RegionSizeOn(ulong storeId) => _regions.Values.Where(r => r.PeerOn(storeId) is not null).Sum(SizeMiB);

    /// <summary>A region's size in MiB as a heartbeat conveys it (at least 1).</summary>
    public static long SizeMiB(SimRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return Math.Max(region.SizeBytes / MiB, RegionInfo.EmptyRegionApproximateSize);
    }

    private void SendStoreHeartbeat(SimStore store)
    {
        if (!store.IsAlive)
        {
            return;
        }

        var used = (ulong)_regions.Values.Where(r => r.PeerOn(store.Id) is not null).Sum(r => r.SizeBytes);
        Cluster.HandleStoreHeartbeat(new StoreStats
        {
            StoreId = store.Id,
            Capacity = StoreCapacity,
            Available = StoreCapacity - used,
            UsedSize = used,
            RegionCount = (uint)RegionCountOn(store.Id),
            ReceivingSnapCount = store.ReceivingSnapshots,
        });
        _sim.Schedule(Micros(_settings.StoreHeartbeatInterval), () => SendStoreHeartbeat(store));
    }

    private void ScheduleRegionHeartbeat(SimRegion region, long delay) =>
        _sim.Schedule(delay, () =>
        {
            SendReport(region);
            ScheduleRegionHeartbeat(region, Micros(_settings.RegionHeartbeatInterval));
        });

    /// <summary>
    /// The region's leader, if its store is alive, reports the region now; now and then a copy of
    /// the report is held back on the network and arrives late, after newer reports.
    /// </summary>
    private void SendReport(SimRegion region)
    {
        if (region.Leader is not { } leader || !_stores[leader.StoreId].IsAlive)
        {
            return;
        }

        var report = region.Report();
        _sim.Schedule(RandomDelay(_network, _settings.MaxNetworkDelay), () => Deliver(report));
        if (_network.NextDouble() < _settings.LateReportChance)
        {
            var late = report.Clone();
            _sim.Schedule(RandomDelay(_network, _settings.MaxLateReportDelay), () => Deliver(late));
        }
    }

    private void ScheduleWrite() =>
        _sim.Schedule(Micros(_settings.WriteInterval), () =>
        {
            if (!_writing)
            {
                return;
            }

            Write();
            ScheduleWrite();
        });

    /// <summary>A write lands on a random region whose leader is up; the region splits if it grew too large.</summary>
    private void Write()
    {
        var region = _regions.Values.ElementAt(_workload.Next(_regions.Count));
        if (region.Leader is not { } leader || !_stores[leader.StoreId].IsAlive)
        {
            return;
        }

        region.SizeBytes += _workload.NextInt64(_settings.MaxWriteBytes);
        if (region.SizeBytes > _settings.MaxRegionSize)
        {
            Split(region);
        }
    }

    /// <summary>
    /// Splits <paramref name="region"/> at the middle of its range: the left half keeps the id,
    /// the right half gets a new id and new peer ids on the same stores (from the allocator, as
    /// AskSplit would), both get the version plus one. Both report at once, in whatever order the
    /// network delivers. A region in the middle of a membership change or with a peer catching up
    /// waits for a later write.
    /// </summary>
    private void Split(SimRegion region)
    {
        if (region.ConfChangeInFlight || region.PendingPeerIds.Count > 0 || region.Leader is not { } leader)
        {
            return;
        }

        var middle = (region.Start + region.End) / 2;
        if (middle <= region.Start)
        {
            return;
        }

        var splitKey = SimRegion.Key((ulong)middle);
        var right = new Region
        {
            Id = _ids.Alloc(),
            StartKey = splitKey,
            EndKey = region.Meta.EndKey,
            RegionEpoch = new RegionEpoch { Version = region.Epoch.Version + 1, ConfVer = region.Epoch.ConfVer },
        };
        foreach (var peer in region.Meta.Peers)
        {
            right.Peers.Add(new Peer { Id = _ids.Alloc(), StoreId = peer.StoreId });
        }

        region.Meta.EndKey = splitKey;
        region.Epoch.Version++;
        var half = region.SizeBytes / 2;
        var sibling = new SimRegion(right, right.Peers.First(p => p.StoreId == leader.StoreId).Id, region.SizeBytes - half);
        region.SizeBytes = half;
        _regions.Add(sibling.Id, sibling);
        Splits++;
        _sim.Record("split", $"region {region.Id} split at {Keys.ToHex(splitKey)}: new region {sibling.Id}");
        CheckRangesTile();
        SendReport(region);
        SendReport(sibling);
        ScheduleRegionHeartbeat(sibling, Micros(_settings.RegionHeartbeatInterval));
    }

    private static long Micros(TimeSpan span) => (long)span.TotalMicroseconds;

    /// <summary>A duration in [0, <paramref name="max"/>).</summary>
    private static TimeSpan RandomDuration(Random random, TimeSpan max) => TimeSpan.FromMicroseconds(random.NextInt64(Math.Max(1, Micros(max))));

    /// <summary>A delay in microseconds in [0, <paramref name="max"/>).</summary>
    private static long RandomDelay(Random random, TimeSpan max) => random.NextInt64(Math.Max(1, Micros(max)));
}
