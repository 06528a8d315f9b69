using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using ClusterMeta = TinyKv.Proto.Metapb.Cluster;

namespace TinyKv.Scheduler.Storage;

/// <summary>
/// The scheduler's state in an <see cref="ISchedulerKv"/>, typed: cluster metadata, stores and
/// regions (as their protobuf messages, keyed by zero-padded id so ordinal order is id order),
/// the id allocator's bound and the timestamp oracle's bound.
/// </summary>
/// <remarks>
/// A region is written only when its metadata differs from what this instance last wrote or
/// loaded for it: most region heartbeats change nothing, and the server syncs every write, so
/// writing each one would cost a disk sync per heartbeat (see the scheduler benchmarks in
/// docs/benchmarks.md). That assumes this instance is the only writer of region metadata to the
/// store, as the scheduler's one loop is. Not thread-safe: the loop that owns the cluster uses it.
/// </remarks>
public sealed class SchedulerStorage
{
    private const string ClusterKey = "raft";
    private const string StorePrefix = "raft/s/";
    private const string RegionPrefix = "raft/r/";
    private const string AllocIdKey = "alloc_id";
    private const string TimestampKey = "timestamp";
    /// <summary>The key the cluster id is saved under (big-endian 64 bits); a member that does not lead reads it to answer GetMembers.</summary>
    public const string ClusterIdKey = "cluster_id";
    private const string GcSafePointKey = "gc/safe_point";

    /// <summary>The bytes last written or loaded for each region, by id.</summary>
    private readonly Dictionary<ulong, byte[]> _savedRegions = [];

    /// <summary>Creates typed access over <paramref name="kv"/>.</summary>
    public SchedulerStorage(ISchedulerKv kv)
    {
        ArgumentNullException.ThrowIfNull(kv);
        Kv = kv;
    }

    /// <summary>The underlying key-value store.</summary>
    public ISchedulerKv Kv { get; }

    /// <summary>The cluster's metadata, or null before bootstrap.</summary>
    public ClusterMeta? LoadMeta() => Kv.Load(ClusterKey) is { } bytes ? ClusterMeta.Parser.ParseFrom(bytes) : null;

    /// <summary>Saves the cluster's metadata.</summary>
    public void SaveMeta(ClusterMeta meta) => Kv.Save(ClusterKey, meta.ToByteArray());

    /// <summary>Saves a store's metadata.</summary>
    public void SaveStore(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Kv.Save(StoreKey(store.Id), store.ToByteArray());
    }

    /// <summary>The metadata of store <paramref name="storeId"/>, or null.</summary>
    public Store? LoadStore(ulong storeId) => Kv.Load(StoreKey(storeId)) is { } bytes ? Store.Parser.ParseFrom(bytes) : null;

    /// <summary>Every saved store, by id.</summary>
    public IReadOnlyList<Store> LoadStores() =>
        [.. Kv.LoadRange(StorePrefix, PrefixEnd(StorePrefix), 0).Select(e => Store.Parser.ParseFrom(e.Value))];

    /// <summary>Saves a region's metadata, unless it is what was saved for the region already.</summary>
    public void SaveRegion(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var bytes = region.ToByteArray();
        if (_savedRegions.TryGetValue(region.Id, out var saved) && saved.AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        Kv.Save(RegionKey(region.Id), bytes);
        _savedRegions[region.Id] = bytes;
    }

    /// <summary>Forgets a region's metadata.</summary>
    public void DeleteRegion(ulong regionId)
    {
        Kv.Remove(RegionKey(regionId));
        _savedRegions.Remove(regionId);
    }

    /// <summary>The metadata of region <paramref name="regionId"/>, or null.</summary>
    public Region? LoadRegion(ulong regionId) => Kv.Load(RegionKey(regionId)) is { } bytes ? Region.Parser.ParseFrom(bytes) : null;

    /// <summary>Every saved region, by id.</summary>
    public IReadOnlyList<Region> LoadRegions()
    {
        var regions = new List<Region>();
        foreach (var (_, bytes) in Kv.LoadRange(RegionPrefix, PrefixEnd(RegionPrefix), 0))
        {
            var region = Region.Parser.ParseFrom(bytes);
            _savedRegions[region.Id] = bytes;
            regions.Add(region);
        }

        return regions;
    }

    /// <summary>The id allocator's saved bound (0 if never saved).</summary>
    public ulong LoadAllocIdBound() => Kv.Load(AllocIdKey) is { } bytes ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : 0;

    /// <summary>Saves the id allocator's bound: no id above it has been handed out.</summary>
    public void SaveAllocIdBound(ulong bound)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, bound);
        Kv.Save(AllocIdKey, bytes);
    }

    /// <summary>The timestamp oracle's saved bound in Unix milliseconds (0 if never saved).</summary>
    public long LoadTimestampBound() => Kv.Load(TimestampKey) is { } bytes ? BinaryPrimitives.ReadInt64BigEndian(bytes) : 0;

    /// <summary>Saves the timestamp oracle's bound: no timestamp at or above it has been handed out.</summary>
    public void SaveTimestampBound(long unixMillis)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, unixMillis);
        Kv.Save(TimestampKey, bytes);
    }

    /// <summary>The id of the cluster this storage belongs to (0 if never saved): a server picks it once, at its first start.</summary>
    public ulong LoadClusterId() => LoadUInt64(ClusterIdKey);

    /// <summary>Saves the cluster id.</summary>
    public void SaveClusterId(ulong clusterId) => SaveUInt64(ClusterIdKey, clusterId);

    /// <summary>The GC safe point (0 if never saved): versions older than it may be collected.</summary>
    public ulong LoadGcSafePoint() => LoadUInt64(GcSafePointKey);

    /// <summary>Saves the GC safe point.</summary>
    public void SaveGcSafePoint(ulong safePoint) => SaveUInt64(GcSafePointKey, safePoint);

    private ulong LoadUInt64(string key) => Kv.Load(key) is { } bytes ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : 0;

    private void SaveUInt64(string key, ulong value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        Kv.Save(key, bytes);
    }

    private static string StoreKey(ulong storeId) => StorePrefix + storeId.ToString("D20", CultureInfo.InvariantCulture);

    private static string RegionKey(ulong regionId) => RegionPrefix + regionId.ToString("D20", CultureInfo.InvariantCulture);

    private static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
