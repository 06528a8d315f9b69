using TinyKv.Proto.Metapb;
using TinyKv.RaftStore;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// The scheduler of a test cluster, in memory: it learns regions and their leaders from the
/// leaders' heartbeats, answers "which region holds this key" and "who leads region r", and
/// allocates ids. A heartbeat carrying an epoch older than the one it knows is ignored.
/// </summary>
public sealed class MockSchedulerClient : ISchedulerClient
{
    private readonly SortedDictionary<ulong, Region> _regions = [];
    private readonly SortedDictionary<ulong, MetaPeer> _leaders = [];
    private ulong _nextId = 1000;

    /// <summary>The id of the cluster.</summary>
    public ulong ClusterId { get; } = 1;

    /// <summary>How many heartbeats arrived.</summary>
    public long Heartbeats { get; private set; }

    /// <summary>Registers the first region of the cluster.</summary>
    public void Bootstrap(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        _regions[region.Id] = region.Clone();
    }

    /// <summary>A fresh id for a region or a peer.</summary>
    public ulong AllocId() => _nextId++;

    /// <inheritdoc/>
    public void RegionHeartbeat(Region region, MetaPeer leader, IReadOnlyList<MetaPeer> pendingPeers, ulong approximateSize)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(leader);
        Heartbeats++;
        if (_regions.TryGetValue(region.Id, out var known) && RegionEpochs.IsStale(region.RegionEpoch, known.RegionEpoch))
        {
            return;
        }

        _regions[region.Id] = region.Clone();
        _leaders[region.Id] = leader.Clone();
    }

    /// <summary>The region that holds <paramref name="key"/>, or null.</summary>
    public Region? GetRegion(ReadOnlySpan<byte> key)
    {
        foreach (var region in _regions.Values)
        {
            if (RegionKeys.Contains(region, key))
            {
                return region.Clone();
            }
        }

        return null;
    }

    /// <summary>Region <paramref name="regionId"/> and the leader last reported for it (null when none reported yet).</summary>
    public (Region? Region, MetaPeer? Leader) GetRegionById(ulong regionId) =>
        (_regions.GetValueOrDefault(regionId)?.Clone(), _leaders.GetValueOrDefault(regionId)?.Clone());

    /// <summary>The leader last reported for region <paramref name="regionId"/> (a copy), or null; <see cref="GetRegionById"/> without copying the region.</summary>
    public MetaPeer? LeaderOf(ulong regionId) => _leaders.GetValueOrDefault(regionId)?.Clone();

    /// <summary>Every region known, by id.</summary>
    public IReadOnlyList<Region> Regions => [.. _regions.Values.Select(r => r.Clone())];

}
