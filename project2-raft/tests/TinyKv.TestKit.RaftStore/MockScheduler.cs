using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;
using MetaPeer = TinyKv.Proto.Metapb.Peer;
using SchedulerError = TinyKv.Proto.Schedulerpb.Error;

namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// The scheduler of a test cluster, in memory. It learns regions and their leaders from the
/// leaders' heartbeats (keeping their ranges as a store does, in a <see cref="RegionRanges"/>), answers "which region holds this key" and
/// "who leads region r", allocates ids (for new peers and for splits), and hands out the orders
/// a test schedules — add a peer, remove a peer, transfer the leader — in its answers to the
/// region's heartbeats, until a heartbeat shows the order took effect.
/// </summary>
/// <remarks>
/// It is also a checker. A report older than what it knows is ignored, as a real scheduler
/// does (a deposed leader reports late); but a report that no correct store can send fails the
/// test at once with a <see cref="SchedulerCheckException"/>: two conf changes in one step, a
/// conf version that does not step by one, peers that change without a conf version step, a
/// range that changes without a version step, a version that goes back while the conf version
/// moves on (or the other way round), and two regions claiming the same keys at one version.
/// A store must therefore report every conf change and split as it applies it.
/// </remarks>
public sealed class MockScheduler
{
    private readonly RegionRanges _ranges = new();
    private readonly Dictionary<ulong, Region> _byId = [];
    private readonly Dictionary<ulong, MetaPeer> _leaders = [];
    private readonly Dictionary<ulong, MetaPeer> _pendingPeers = [];
    private readonly Dictionary<ulong, Order> _orders = [];
    private readonly Dictionary<ulong, Action<RegionHeartbeatResponse>> _handlers = [];
    private readonly Dictionary<ulong, StoreStats> _storeStats = [];
    private ulong _nextId = 1000;

    /// <summary>The id of the cluster.</summary>
    public ulong ClusterId { get; } = 1;

    /// <summary>How many region heartbeats arrived.</summary>
    public long Heartbeats { get; private set; }

    /// <summary>How many region heartbeats were ignored because a newer epoch was known.</summary>
    public long StaleHeartbeats { get; private set; }

    /// <summary>Every region known, in key order.</summary>
    public IReadOnlyList<Region> Regions => [.. _ranges.Overlapping([], []).Select(r => r.Clone())];

    /// <summary>Registers the first region of the cluster.</summary>
    public void Bootstrap(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (_byId.Count > 0)
        {
            throw new InvalidOperationException("the cluster is already bootstrapped");
        }

        Insert(region.Clone());
    }

    /// <summary>A fresh id for a region or a peer.</summary>
    public ulong AllocId() => _nextId++;

    /// <summary>The scheduler client of store <paramref name="storeId"/>; its answers run on <paramref name="loop"/>.</summary>
    public ISchedulerClient ClientFor(ulong storeId, IScheduler loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return new Client(this, storeId, loop);
    }

    /// <summary>The region that holds <paramref name="key"/>, or null.</summary>
    public Region? GetRegion(ReadOnlySpan<byte> key) => _ranges.RegionOf(key)?.Clone();

    /// <summary>Region <paramref name="regionId"/> and the leader last reported for it (null when none reported yet).</summary>
    public (Region? Region, MetaPeer? Leader) GetRegionById(ulong regionId) =>
        (_byId.GetValueOrDefault(regionId)?.Clone(), _leaders.GetValueOrDefault(regionId)?.Clone());

    /// <summary>The leader last reported for region <paramref name="regionId"/> (a copy), or null; <see cref="GetRegionById"/> without copying the region.</summary>
    public MetaPeer? LeaderOf(ulong regionId) => _leaders.GetValueOrDefault(regionId)?.Clone();

    /// <summary>Whether the last heartbeat of its region named peer <paramref name="peerId"/> as pending (lagging behind the leader's log).</summary>
    public bool IsPending(ulong peerId) => _pendingPeers.ContainsKey(peerId);

    /// <summary>The last statistics store <paramref name="storeId"/> reported, or null.</summary>
    public StoreStats? StatsOf(ulong storeId) => _storeStats.GetValueOrDefault(storeId)?.Clone();

    /// <summary>Orders region <paramref name="regionId"/> to add <paramref name="peer"/>; replaces any order it had.</summary>
    public void AddPeer(ulong regionId, MetaPeer peer) => Schedule(regionId, new Order(OrderKind.AddPeer, peer));

    /// <summary>Orders region <paramref name="regionId"/> to remove <paramref name="peer"/>; replaces any order it had.</summary>
    public void RemovePeer(ulong regionId, MetaPeer peer) => Schedule(regionId, new Order(OrderKind.RemovePeer, peer));

    /// <summary>Orders region <paramref name="regionId"/> to make <paramref name="peer"/> its leader; replaces any order it had.</summary>
    public void TransferLeader(ulong regionId, MetaPeer peer) => Schedule(regionId, new Order(OrderKind.TransferLeader, peer));

    /// <summary>Whether region <paramref name="regionId"/> still has an order that has not taken effect.</summary>
    public bool HasOrder(ulong regionId) => _orders.ContainsKey(regionId);

    private void Schedule(ulong regionId, Order order)
    {
        ArgumentNullException.ThrowIfNull(order.Peer);
        _orders[regionId] = order with { Peer = order.Peer.Clone() };
    }

    private void OnRegionHeartbeat(RegionHeartbeatRequest request)
    {
        Heartbeats++;
        var region = request.Region ?? throw new SchedulerCheckException("a region heartbeat without a region");
        var leader = request.Leader ?? throw new SchedulerCheckException($"a heartbeat of region {region.Id} without a leader");
        if (region.RegionEpoch is null)
        {
            throw new SchedulerCheckException($"a heartbeat of region {region.Id} without an epoch");
        }

        if (!region.EndKey.IsEmpty && ByteComparer.Compare(region.StartKey.Span, region.EndKey.Span) >= 0)
        {
            throw new SchedulerCheckException($"region {region.Id} reports an empty or inverted range {Describe(region)}");
        }

        if (!region.Peers.Any(p => p.Id == leader.Id))
        {
            throw new SchedulerCheckException($"region {region.Id} reports leader {leader.Id}, which is not one of its peers {Describe(region)}");
        }

        // Most heartbeats report a region exactly as it is known already: nothing to check or change.
        var unchanged = _byId.TryGetValue(region.Id, out var known) && known.Equals(region);
        if (!unchanged && !Accept(region.Clone()))
        {
            StaleHeartbeats++;
            return;
        }

        foreach (var peer in region.Peers)
        {
            _pendingPeers.Remove(peer.Id);
        }

        foreach (var peer in request.PendingPeers)
        {
            _pendingPeers[peer.Id] = peer.Clone();
        }

        _leaders[region.Id] = leader.Clone();
        var response = new RegionHeartbeatResponse
        {
            Header = new ResponseHeader { ClusterId = ClusterId },
            RegionId = region.Id,
            RegionEpoch = region.RegionEpoch.Clone(),
            TargetPeer = leader.Clone(),
        };
        if (_orders.TryGetValue(region.Id, out var order))
        {
            if (TookEffect(order, region, leader))
            {
                _orders.Remove(region.Id);
            }
            else
            {
                Answer(order, region, response);
            }
        }

        if (_handlers.TryGetValue(leader.StoreId, out var handler))
        {
            handler(response);
        }
    }

    /// <summary>Takes <paramref name="region"/> in unless a newer view of its id or of its keys is known; throws on a report no correct store sends.</summary>
    private bool Accept(Region region)
    {
        if (_byId.TryGetValue(region.Id, out var known))
        {
            if (RegionEpochs.IsStale(region.RegionEpoch, known.RegionEpoch))
            {
                if (region.RegionEpoch.ConfVer > known.RegionEpoch.ConfVer || region.RegionEpoch.Version > known.RegionEpoch.Version)
                {
                    throw new SchedulerCheckException(
                        $"region {region.Id} went from {Describe(known)} to {Describe(region)}: one half of its epoch went back while the other moved on");
                }

                return false;
            }

            CheckStep(known, region);
        }

        var overlapping = _ranges.Overlapping(region.StartKey.Span, region.EndKey.Span).Where(r => r.Id != region.Id).ToList();
        foreach (var other in overlapping)
        {
            if (other.RegionEpoch.Version == region.RegionEpoch.Version)
            {
                throw new SchedulerCheckException(
                    $"regions {other.Id} {Describe(other)} and {region.Id} {Describe(region)} claim the same keys at the same version");
            }

            if (other.RegionEpoch.Version > region.RegionEpoch.Version)
            {
                return false; // A newer region owns some of these keys: this is an old view.
            }
        }

        foreach (var other in overlapping)
        {
            Remove(other);
        }

        if (known is not null)
        {
            Remove(known);
        }

        Insert(region);
        return true;
    }

    private static void CheckStep(Region known, Region now)
    {
        var was = known.RegionEpoch;
        var epoch = now.RegionEpoch;
        var added = now.Peers.Where(p => !known.Peers.Any(k => k.Id == p.Id)).ToList();
        var removed = known.Peers.Where(k => !now.Peers.Any(p => p.Id == k.Id)).ToList();
        if (epoch.ConfVer == was.ConfVer && added.Count + removed.Count > 0)
        {
            throw new SchedulerCheckException(
                $"region {now.Id} changed its peers from {Describe(known)} to {Describe(now)} without a conf version step");
        }

        if (epoch.ConfVer > was.ConfVer)
        {
            if (epoch.ConfVer != was.ConfVer + 1)
            {
                throw new SchedulerCheckException(
                    $"region {now.Id}'s conf version went from {was.ConfVer} to {epoch.ConfVer}: every conf change must be reported as it is applied, one step at a time");
            }

            if (added.Count + removed.Count != 1)
            {
                throw new SchedulerCheckException(
                    $"region {now.Id} went from {Describe(known)} to {Describe(now)} in one conf change: exactly one peer may be added or removed at a time");
            }
        }

        if (epoch.Version == was.Version && (!known.StartKey.Equals(now.StartKey) || !known.EndKey.Equals(now.EndKey)))
        {
            throw new SchedulerCheckException(
                $"region {now.Id} changed its range from {Describe(known)} to {Describe(now)} without a version step");
        }
    }

    /// <summary>Whether <paramref name="order"/> took effect: the peer added (and caught up), removed, or leading.</summary>
    private bool TookEffect(Order order, Region region, MetaPeer leader) => order.Kind switch
    {
        OrderKind.AddPeer => region.Peers.Any(p => p.Id == order.Peer.Id) && !_pendingPeers.ContainsKey(order.Peer.Id),
        OrderKind.RemovePeer => !region.Peers.Any(p => p.Id == order.Peer.Id),
        OrderKind.TransferLeader => leader.Id == order.Peer.Id,
        _ => throw new InvalidOperationException($"unknown order {order.Kind}"),
    };

    /// <summary>Puts <paramref name="order"/> in <paramref name="response"/>, unless all that is left is for an added peer to catch up.</summary>
    private static void Answer(Order order, Region region, RegionHeartbeatResponse response)
    {
        switch (order.Kind)
        {
            case OrderKind.AddPeer when region.Peers.Any(p => p.Id == order.Peer.Id):
                break;
            case OrderKind.AddPeer:
                response.ChangePeer = new ChangePeer { ChangeType = ConfChangeType.AddNode, Peer = order.Peer.Clone() };
                break;
            case OrderKind.RemovePeer:
                response.ChangePeer = new ChangePeer { ChangeType = ConfChangeType.RemoveNode, Peer = order.Peer.Clone() };
                break;
            case OrderKind.TransferLeader:
                response.TransferLeader = new TransferLeader { Peer = order.Peer.Clone() };
                break;
            default:
                throw new InvalidOperationException($"unknown order {order.Kind}");
        }
    }

    private AskSplitResponse OnAskSplit(Region region)
    {
        var response = new AskSplitResponse { Header = new ResponseHeader { ClusterId = ClusterId } };
        if (!_byId.TryGetValue(region.Id, out var known))
        {
            response.Header.Error = new SchedulerError { Type = ErrorType.RegionNotFound, Message = $"region {region.Id} is not known" };
            return response;
        }

        if (region.RegionEpoch is null || RegionEpochs.IsStale(region.RegionEpoch, known.RegionEpoch))
        {
            response.Header.Error = new SchedulerError
            {
                Type = ErrorType.Unknown,
                Message = $"region {region.Id} asks to split with a stale epoch: it reports {Describe(region)}, the scheduler knows {Describe(known)}",
            };
            return response;
        }

        response.NewRegionId = AllocId();
        foreach (var _ in region.Peers)
        {
            response.NewPeerIds.Add(AllocId());
        }

        return response;
    }

    private void Insert(Region region)
    {
        _ranges.Set(region);
        _byId[region.Id] = region;
    }

    private void Remove(Region region)
    {
        _ranges.Remove(region.Id);
        _byId.Remove(region.Id);
        _leaders.Remove(region.Id);
    }

    /// <summary>A region as text for messages: range, epoch, peers (peer@store).</summary>
    internal static string Describe(Region region) =>
        $"[{Quote.Readable(region.StartKey.Span)}, {(region.EndKey.IsEmpty ? "end" : Quote.Readable(region.EndKey.Span))}) "
        + $"conf_ver {region.RegionEpoch?.ConfVer} version {region.RegionEpoch?.Version} peers [{string.Join(", ", region.Peers.Select(p => $"{p.Id}@{p.StoreId}"))}]";

    private enum OrderKind
    {
        AddPeer,
        RemovePeer,
        TransferLeader,
    }

    private sealed record Order(OrderKind Kind, MetaPeer Peer);

    /// <summary>One store's view of the scheduler: what it reports and asks goes to the scheduler, the answers run on its loop.</summary>
    private sealed class Client(MockScheduler scheduler, ulong storeId, IScheduler loop) : ISchedulerClient
    {
        public void SetRegionHeartbeatHandler(Action<RegionHeartbeatResponse> handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            scheduler._handlers[storeId] = response => loop.Post(() => handler(response));
        }

        public void RegionHeartbeat(RegionHeartbeatRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            scheduler.OnRegionHeartbeat(request); // Read only: the scheduler clones what it keeps.
        }

        public void StoreHeartbeat(StoreStats stats)
        {
            ArgumentNullException.ThrowIfNull(stats);
            scheduler._storeStats[storeId] = stats.Clone();
        }

        public void AskSplit(Region region, Action<AskSplitResponse> answer)
        {
            ArgumentNullException.ThrowIfNull(region);
            ArgumentNullException.ThrowIfNull(answer);
            var response = scheduler.OnAskSplit(region.Clone());
            loop.Post(() => answer(response));
        }
    }
}

/// <summary>A store reported something to the mock scheduler that no correct store reports.</summary>
public sealed class SchedulerCheckException(string message) : Exception(message);
