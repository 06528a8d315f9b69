using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Scheduler.Core;

/// <summary>
/// What the scheduler knows of one region: its metadata (range, epoch, peers) as its leader last
/// reported it, the leader, the peers still catching up (pending), and its approximate size in
/// MiB. Immutable: an update is a new <see cref="RegionInfo"/> made with one of the
/// <c>With…</c> methods, so a value handed to a scheduler never changes under it.
/// </summary>
/// <remarks>
/// The constructor takes ownership of the <see cref="Region"/> and peers it is given; callers
/// must not change them afterwards. Every <c>With…</c> method copies first.
/// </remarks>
public sealed class RegionInfo
{
    /// <summary>The smallest size a region is counted with, so an empty region still weighs something.</summary>
    public const long EmptyRegionApproximateSize = 1;

    private static readonly RegionEpoch s_noEpoch = new();
    private readonly Peer[] _pendingPeers;

    /// <summary>Creates a region view over <paramref name="meta"/> (owned from now on).</summary>
    /// <param name="meta">The region's metadata.</param>
    /// <param name="leader">The leader peer, or null when unknown.</param>
    /// <param name="pendingPeers">Peers whose log is behind the leader's.</param>
    /// <param name="approximateSize">The region's size in MiB.</param>
    public RegionInfo(Region meta, Peer? leader, IEnumerable<Peer>? pendingPeers = null, long approximateSize = 0)
    {
        ArgumentNullException.ThrowIfNull(meta);
        Meta = meta;
        Leader = leader;
        _pendingPeers = pendingPeers?.ToArray() ?? [];
        ApproximateSize = approximateSize;
    }

    /// <summary>The region's metadata. Treat it as read-only.</summary>
    public Region Meta { get; }

    /// <summary>The region id.</summary>
    public ulong Id => Meta.Id;

    /// <summary>The first key of the region (inclusive); empty for the first region.</summary>
    public ByteString StartKey => Meta.StartKey;

    /// <summary>The end of the region (exclusive); empty for the last region.</summary>
    public ByteString EndKey => Meta.EndKey;

    /// <summary>The region epoch: <c>version</c> grows with splits and merges, <c>conf_ver</c> with membership changes.</summary>
    public RegionEpoch Epoch => Meta.RegionEpoch ?? s_noEpoch;

    /// <summary>The region's peers, one per store.</summary>
    public IReadOnlyList<Peer> Peers => Meta.Peers;

    /// <summary>The leader peer, or null when no leader has reported.</summary>
    public Peer? Leader { get; }

    /// <summary>Peers whose log is behind the leader's (a new peer still receiving a snapshot, say).</summary>
    public IReadOnlyList<Peer> PendingPeers => _pendingPeers;

    /// <summary>The region's approximate size in MiB.</summary>
    public long ApproximateSize { get; }

    /// <summary>The ids of the stores holding a peer of the region, ascending.</summary>
    public IReadOnlyList<ulong> StoreIds => [.. Meta.Peers.Select(p => p.StoreId).Distinct().Order()];

    /// <summary>The peers that are not the leader, in the order the region lists them.</summary>
    public IReadOnlyList<Peer> Followers => [.. Meta.Peers.Where(p => !IsLeader(p))];

    /// <summary>Builds the region a heartbeat reports (the size converted from bytes to MiB, at least <see cref="EmptyRegionApproximateSize"/>).</summary>
    /// <exception cref="ArgumentException">The heartbeat carries no region.</exception>
    public static RegionInfo FromHeartbeat(RegionHeartbeatRequest heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        if (heartbeat.Region is null)
        {
            throw new ArgumentException("a region heartbeat must carry the region", nameof(heartbeat));
        }

        var size = (long)(heartbeat.ApproximateSize >> 20);
        return new RegionInfo(
            heartbeat.Region.Clone(),
            heartbeat.Leader?.Clone(),
            heartbeat.PendingPeers.Select(p => p.Clone()),
            Math.Max(size, EmptyRegionApproximateSize));
    }

    /// <summary>True if <paramref name="peer"/> is the leader.</summary>
    public bool IsLeader(Peer peer) => Leader is not null && peer.Id == Leader.Id;

    /// <summary>The region's peer on store <paramref name="storeId"/>, or null.</summary>
    public Peer? GetStorePeer(ulong storeId) => Meta.Peers.FirstOrDefault(p => p.StoreId == storeId);

    /// <summary>The peer with id <paramref name="peerId"/>, or null.</summary>
    public Peer? GetPeer(ulong peerId) => Meta.Peers.FirstOrDefault(p => p.Id == peerId);

    /// <summary>The pending peer with id <paramref name="peerId"/>, or null if that peer is not pending.</summary>
    public Peer? GetPendingPeer(ulong peerId) => _pendingPeers.FirstOrDefault(p => p.Id == peerId);

    /// <summary>True if the region holds a peer on store <paramref name="storeId"/>.</summary>
    public bool HasPeerOn(ulong storeId) => GetStorePeer(storeId) is not null;

    /// <summary>True if <paramref name="key"/> falls into the region's range.</summary>
    public bool Contains(ReadOnlySpan<byte> key) => Keys.InRange(key, StartKey.Span, EndKey.Span);

    /// <summary>A copy with another leader.</summary>
    public RegionInfo WithLeader(Peer? leader) => new(Meta.Clone(), leader?.Clone(), ClonePending(), ApproximateSize);

    /// <summary>A copy with other pending peers.</summary>
    public RegionInfo WithPendingPeers(IEnumerable<Peer>? pendingPeers) =>
        new(Meta.Clone(), Leader?.Clone(), pendingPeers?.Select(p => p.Clone()), ApproximateSize);

    /// <summary>A copy with another approximate size (MiB).</summary>
    public RegionInfo WithApproximateSize(long size) => new(Meta.Clone(), Leader?.Clone(), ClonePending(), size);

    /// <summary>A copy whose metadata <paramref name="edit"/> has changed (applied to a fresh copy).</summary>
    public RegionInfo WithMeta(Action<Region> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var meta = Meta.Clone();
        meta.RegionEpoch ??= new RegionEpoch();
        edit(meta);
        return new RegionInfo(meta, Leader?.Clone(), ClonePending(), ApproximateSize);
    }

    /// <summary>A copy with these peers instead.</summary>
    public RegionInfo WithPeers(IEnumerable<Peer> peers) => WithMeta(m =>
    {
        var copies = peers.Select(p => p.Clone()).ToList();
        m.Peers.Clear();
        m.Peers.Add(copies);
    });

    /// <summary>A copy without the peer on store <paramref name="storeId"/>.</summary>
    public RegionInfo WithoutStorePeer(ulong storeId) => WithPeers(Meta.Peers.Where(p => p.StoreId != storeId));

    /// <summary>A copy whose epoch version is one higher (what a split or merge does).</summary>
    public RegionInfo WithIncrementedVersion() => WithMeta(m => m.RegionEpoch.Version++);

    /// <summary>A copy whose epoch conf_ver is one higher (what a membership change does).</summary>
    public RegionInfo WithIncrementedConfVer() => WithMeta(m => m.RegionEpoch.ConfVer++);

    /// <summary>A copy with another start key.</summary>
    public RegionInfo WithStartKey(ByteString key) => WithMeta(m => m.StartKey = key);

    /// <summary>A copy with another end key.</summary>
    public RegionInfo WithEndKey(ByteString key) => WithMeta(m => m.EndKey = key);

    /// <inheritdoc />
    public override string ToString() =>
        $"region {Id} [{Keys.ToHex(StartKey)}, {Keys.ToHex(EndKey)}) epoch (version {Epoch.Version}, conf_ver {Epoch.ConfVer}), " +
        $"peers [{string.Join(", ", Peers.Select(p => $"{p.Id}@{p.StoreId}"))}], leader {(Leader is null ? "none" : Leader.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    private IEnumerable<Peer> ClonePending() => _pendingPeers.Select(p => p.Clone());
}
