using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Scheduler.Tests.Simulation;

/// <summary>
/// The truth about one region in the simulated cluster, as its Raft group would know it: range,
/// epoch, peers, leader, the peers still catching up, its size, and whether a membership change
/// is on its way through the log (Raft allows one at a time). The scheduler only ever sees
/// copies of it, in region heartbeats.
/// </summary>
internal sealed class SimRegion
{
    public SimRegion(Region meta, ulong leaderPeerId, long sizeBytes)
    {
        Meta = meta;
        LeaderPeerId = leaderPeerId;
        SizeBytes = sizeBytes;
    }

    /// <summary>Range, epoch and peers; owned by the region, changed in place as commands apply.</summary>
    public Region Meta { get; }

    public ulong Id => Meta.Id;

    public RegionEpoch Epoch => Meta.RegionEpoch;

    /// <summary>The leading peer's id, or 0 while the region has no leader (its leader's store went down).</summary>
    public ulong LeaderPeerId { get; set; }

    public Peer? Leader => Meta.Peers.FirstOrDefault(p => p.Id == LeaderPeerId);

    /// <summary>Peers added but not caught up yet (receiving their snapshot).</summary>
    public SortedSet<ulong> PendingPeerIds { get; } = [];

    public long SizeBytes { get; set; }

    /// <summary>True from the moment a membership change is proposed until it applies (or is dropped).</summary>
    public bool ConfChangeInFlight { get; set; }

    public Peer? PeerOn(ulong storeId) => Meta.Peers.FirstOrDefault(p => p.StoreId == storeId);

    /// <summary>The region heartbeat its leader sends now: a copy, so later changes do not leak into a report in flight.</summary>
    public RegionHeartbeatRequest Report()
    {
        var report = new RegionHeartbeatRequest
        {
            Region = Meta.Clone(),
            Leader = Leader?.Clone(),
            ApproximateSize = (ulong)SizeBytes,
        };
        report.PendingPeers.Add(Meta.Peers.Where(p => PendingPeerIds.Contains(p.Id)).Select(p => p.Clone()));
        return report;
    }

    /// <summary>The first key as a number (keys are 8-byte big-endian; empty is 0).</summary>
    public UInt128 Start => ToNumber(Meta.StartKey, empty: UInt128.Zero);

    /// <summary>The end key as a number (empty is 2^64, past every key).</summary>
    public UInt128 End => ToNumber(Meta.EndKey, empty: (UInt128)ulong.MaxValue + 1);

    /// <summary>The 8-byte big-endian key of <paramref name="number"/>.</summary>
    public static ByteString Key(ulong number)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, number);
        return ByteString.CopyFrom(bytes);
    }

    private static UInt128 ToNumber(ByteString key, UInt128 empty) =>
        key.IsEmpty ? empty : System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key.Span);

    public override string ToString() =>
        $"region {Id} epoch ({Epoch.Version}, {Epoch.ConfVer}) peers [{string.Join(", ", Meta.Peers.Select(p => $"{p.Id}@{p.StoreId}{(PendingPeerIds.Contains(p.Id) ? " pending" : "")}"))}] leader {LeaderPeerId}";
}
