using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// A store: the peers of every region it holds, driven by one loop (<see cref="IScheduler"/>).
/// Raft messages from other stores and client commands come in through
/// <see cref="OnRaftMessage"/> and <see cref="ProposeCommand"/>; timers tick the peers. After
/// anything touches a peer, the store handles that peer's Ready once, at the end of the
/// current moment, so the work of many messages is persisted and sent together: one synced
/// raft-engine write for the Readies of all the store's dirty peers (see <see cref="Flush"/>).
/// </summary>
/// <remarks>
/// Everything here runs on the store's loop, one action at a time. The store is the router
/// of the original course as well: it finds the peer a message or a command is for.
/// </remarks>
public sealed partial class StoreHost
{
    private readonly PeerTable _peers = new();
    private readonly RegionRanges _ranges = new();
    private readonly List<RaftMessage> _pendingVotes = []; // for regions a split will create here (see MaybeCreatePeer)
    private const int MaxPendingVotes = 64;
    private readonly HashSet<ulong> _dirty = []; // regions whose peer the next Flush handles
    private List<ulong> _dirtyOrder = []; // the same, in the order they were marked
    private List<ulong> _round = []; // the regions of the round Flush is handling (reused: a store flushes often)
    private readonly List<(Peer Peer, TinyKv.Raft.Ready Ready)> _readies = [];
    private readonly List<Peer> _handled = [];
    private readonly Action _flush;
    private readonly Func<ulong, Random> _randomForPeer;
    private readonly List<ITimerHandle> _timers = [];
    private readonly long _tickOffset;
    private bool _flushPosted;

    /// <summary>A store over <paramref name="engines"/>, bootstrapped before (see <see cref="Bootstrap"/>).</summary>
    /// <param name="storeId">The store's id.</param>
    /// <param name="config">The store's configuration.</param>
    /// <param name="engines">The store's engines.</param>
    /// <param name="scheduler">The loop the store runs on.</param>
    /// <param name="transport">Sends raft messages to the other stores.</param>
    /// <param name="schedulerClient">Reports regions to the cluster scheduler.</param>
    /// <param name="random">The store's generator (timer phase); peers get theirs from <paramref name="randomForPeer"/>.</param>
    /// <param name="randomForPeer">The generator of the Raft node of a peer, by peer id.</param>
    /// <param name="observer">Sees what the store does (tests); null for none.</param>
    /// <param name="snapshotFiles">The store's snapshot files, shared with the transport that receives snapshots; null for a fresh set.</param>
    public StoreHost(
        ulong storeId,
        RaftStoreConfig config,
        Engines engines,
        IScheduler scheduler,
        ITransport transport,
        ISchedulerClient schedulerClient,
        Random random,
        Func<ulong, Random> randomForPeer,
        IRaftStoreObserver? observer = null,
        Snap.SnapshotFiles? snapshotFiles = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(schedulerClient);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(randomForPeer);
        Context = new StoreContext(
            storeId, config, engines, scheduler, transport, schedulerClient,
            new RaftLogGcWorker(engines.Raft, scheduler), snapshotFiles ?? new Snap.SnapshotFiles(), observer ?? IRaftStoreObserver.None, this);
        _randomForPeer = randomForPeer;
        _tickOffset = random.NextInt64(0, config.RaftBaseTickMicros);
        _flush = Flush;
    }

    /// <summary>The store's id.</summary>
    public ulong StoreId => Context.StoreId;

    /// <summary>What the store's peers share.</summary>
    public StoreContext Context { get; }

    /// <summary>Whether the store runs (started and not stopped).</summary>
    public bool IsRunning { get; private set; }

    /// <summary>The store's peers, by region id.</summary>
    public IReadOnlyCollection<Peer> Peers => _peers.Values;

    /// <summary>The peer of region <paramref name="regionId"/>, or null.</summary>
    public Peer? PeerOf(ulong regionId) => _peers.GetValueOrDefault(regionId);

    /// <summary>Loads a peer for every region the kv engine holds in the normal state and starts the timers.</summary>
    /// <exception cref="InvalidOperationException">The store is running, or its engines were not bootstrapped for this store.</exception>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"store {StoreId} is already running");
        }

        if (Bootstrap.StoreIdent(Context.Engines) is not { } ident || ident.StoreId != StoreId)
        {
            throw new InvalidOperationException($"the engines of store {StoreId} were not bootstrapped for it");
        }

        _peers.Clear();
        _ranges.Clear();
        foreach (var state in RegionStates())
        {
            if (state.State == PeerState.Tombstone)
            {
                continue;
            }

            var meta = state.Region.Peers.FirstOrDefault(p => p.StoreId == StoreId)
                ?? throw new InvalidOperationException($"region {state.Region.Id} has no peer on store {StoreId}");
            _peers[state.Region.Id] = new Peer(Context, state.Region, meta, _randomForPeer(meta.Id));
            _ranges.Set(state.Region);
        }

        IsRunning = true;
        Context.SchedulerClient.SetRegionHeartbeatHandler(OnRegionHeartbeatResponse);
        Every(Context.Config.RaftBaseTickMicros, _tickOffset, OnBaseTick);
        Every(Context.Config.RaftLogGcTickMicros, _tickOffset, OnRaftLogGcTick);
        Every(Context.Config.SchedulerHeartbeatTickMicros, _tickOffset, OnSchedulerHeartbeatTick);
        Every(Context.Config.SplitRegionCheckTickMicros, _tickOffset, OnSplitCheckTick);
        Every(Context.Config.StoreHeartbeatTickMicros, _tickOffset, OnStoreHeartbeatTick);
        foreach (var peer in _peers.Values)
        {
            MarkDirty(peer);
        }
    }

    /// <summary>
    /// Stops the store as a crash would: timers end, peers stop, waiting proposals are never
    /// answered (their entries may still be committed). The engines keep what was written.
    /// </summary>
    public void Stop()
    {
        IsRunning = false;
        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        _timers.Clear();
        foreach (var peer in _peers.Values)
        {
            peer.Stopped = true;
        }

        _peers.Clear();
        _ranges.Clear();
        _pendingVotes.Clear();
        _dirty.Clear();
        _dirtyOrder.Clear();
    }

    /// <summary>
    /// Proposes a client command on the peer of its region; answers at once with a region error
    /// when it cannot. The store checks what concerns it — the store runs, the request has a
    /// header, names this store and a region it holds — and the peer the rest (its
    /// <see cref="Peer.PreProposeError"/>: leader, peer, term, epoch).
    /// </summary>
    public void ProposeCommand(RaftCmdRequest request, Callback callback)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(callback);
        if (!IsRunning)
        {
            callback.Done(RegionErrors.Response(new Proto.Errorpb.Error { Message = $"store {StoreId} is not running" }));
            return;
        }

        if (request.Header is null)
        {
            callback.Done(RegionErrors.Response(new Proto.Errorpb.Error { Message = "the request has no header" }));
            return;
        }

        if (request.Header.Peer is { } target && target.StoreId != StoreId)
        {
            callback.Done(RegionErrors.Response(RegionErrors.StoreNotMatch(target.StoreId, StoreId)));
            return;
        }

        if (!_peers.TryGetValue(request.Header.RegionId, out var peer))
        {
            callback.Done(RegionErrors.Response(RegionErrors.RegionNotFound(request.Header.RegionId)));
            return;
        }

        peer.ProposeRaftCommand(request, callback);
        MarkDirty(peer);
    }

    private List<RegionLocalState> RegionStates()
    {
        using var snapshot = Context.Engines.Kv.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        var states = new List<RegionLocalState>();
        for (iterator.Seek(Keys.RegionMetaMinKey); iterator.Valid; iterator.Next())
        {
            if (ByteComparer.Compare(iterator.Key, Keys.RegionMetaMaxKey) >= 0)
            {
                break;
            }

            states.Add(RegionLocalState.Parser.ParseFrom(iterator.Value));
        }

        return states;
    }

    private void Every(long interval, long offset, Action action)
    {
        void Fire()
        {
            if (!IsRunning)
            {
                return;
            }

            action();
            _timers.RemoveAll(t => !t.IsPending);
            _timers.Add(Context.Scheduler.Schedule(interval, Fire));
        }

        _timers.Add(Context.Scheduler.Schedule(offset, Fire));
    }

    private void OnBaseTick()
    {
        Context.Observer.Trace(StoreId, "tick", "");
        foreach (var peer in _peers.Values)
        {
            peer.RaftGroup.Tick();
            MarkDirty(peer);
        }
    }

    private void OnRaftLogGcTick()
    {
        foreach (var peer in _peers.Values)
        {
            peer.OnRaftLogGcTick();
            MarkDirty(peer);
        }
    }

    private void OnSplitCheckTick()
    {
        foreach (var peer in _peers.Values)
        {
            peer.OnSplitCheckTick();
        }
    }

    private void OnStoreHeartbeatTick()
    {
        Context.SchedulerClient.StoreHeartbeat(new StoreStats
        {
            StoreId = StoreId,
            RegionCount = (uint)_peers.Count,
            IsBusy = false,
        });
    }

    private void OnSchedulerHeartbeatTick()
    {
        foreach (var peer in _peers.Values)
        {
            peer.HeartbeatScheduler();
        }
    }

    private void MarkDirty(Peer peer)
    {
        if (_dirty.Add(peer.RegionId))
        {
            _dirtyOrder.Add(peer.RegionId);
        }

        if (_flushPosted)
        {
            return;
        }

        _flushPosted = true;
        Context.Scheduler.Post(_flush);
    }

    /// <summary>
    /// Handles the Readies of the dirty peers, in region order, in two halves around one synced
    /// raft-engine write (<see cref="Peer.HandleRaftReady"/>, <see cref="Peer.OnReadyPersisted"/>).
    /// </summary>
    private void Flush()
    {
        _flushPosted = false;
        if (!IsRunning)
        {
            return;
        }

        // This round's regions, in region order; peers marked while it runs wait for the next.
        (_round, _dirtyOrder) = (_dirtyOrder, _round);
        _dirtyOrder.Clear();
        _dirty.Clear();
        var regions = _round;
        regions.Sort();

        // Every dirty peer adds what its Ready persists to one batch; the leaders' appends leave
        // meanwhile. Then one synced write for all of them, and only after it the votes, the
        // append responses and the applying: nothing is answered, acknowledged or applied
        // before it is durable.
        var raftBatch = new WriteBatch();
        var readies = _readies;
        readies.Clear();
        foreach (var regionId in regions)
        {
            if (_peers.TryGetValue(regionId, out var peer) && peer.HandleRaftReady(raftBatch) is { } ready)
            {
                readies.Add((peer, ready));
            }
        }

        if (raftBatch.Count > 0)
        {
            Context.Engines.Raft.Write(raftBatch, sync: true);
        }

        foreach (var (peer, ready) in readies)
        {
            peer.OnReadyPersisted(ready);
        }

        readies.Clear();
        var handled = _handled;
        handled.Clear();
        foreach (var regionId in regions)
        {
            if (_peers.TryGetValue(regionId, out var peer))
            {
                handled.Add(peer);
                var role = (peer.RaftGroup.Raft.State, peer.Term);
                if (role != peer.LastTracedRole)
                {
                    peer.LastTracedRole = role;
                    Context.Observer.Trace(StoreId, "role", $"{peer} is {role.State} in term {role.Term}");
                }
            }
        }

        Context.Observer.RoundDone(this, handled);
        handled.Clear();
        regions.Clear();
    }
}
