using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;

using MetaPeer = TinyKv.Proto.Metapb.Peer;

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
public sealed class StoreHost
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
    /// Steps a raft message from another store into the peer it is for. A message for a region
    /// this store has no peer of may create one (<see cref="MaybeCreatePeer"/>); a stale one is
    /// dropped, and a peer that learns it was removed destroys itself (3B).
    /// </summary>
    public void OnRaftMessage(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsRunning)
        {
            return;
        }

        if (message.ToPeer is not { } to || to.StoreId != StoreId || message.Message is null || message.FromPeer is null)
        {
            Context.Observer.Trace(StoreId, "drop", $"message for store {message.ToPeer?.StoreId} reached store {StoreId}");
            return;
        }

        if (message.IsTombstone)
        {
            OnGcMessage(message);
            return;
        }

        if (_peers.TryGetValue(message.RegionId, out var peer))
        {
            if (IsStaleFor(peer, message))
            {
                return;
            }
        }
        else if (MaybeCreatePeer(message) is { } created)
        {
            peer = created;
        }
        else
        {
            return;
        }

        if (message.Message.MsgType == MessageType.MsgSnapshot && !SnapshotFits(peer, message))
        {
            return;
        }

        Step(peer, message);
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

    /// <summary>
    /// Destroys <paramref name="peer"/>: its region becomes a tombstone on this store (so stale
    /// messages cannot bring it back), its raft log, apply state and data are deleted (its term
    /// and vote are kept), and its waiting commands are answered RegionNotFound. A peer that
    /// <paramref name="appliedOwnRemoval"/> leaves the index and term of that entry beside its
    /// tombstone, for a survivor that never learned the removal committed
    /// (<see cref="SendRemovalCommitted"/>).
    /// </summary>
    internal void DestroyPeer(Peer peer, string reason, bool appliedOwnRemoval = false)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var kvBatch = new WriteBatch();
        var raftBatch = new WriteBatch();
        var removedAt = peer.Storage.AppliedIndex;
        if (appliedOwnRemoval && peer.RaftGroup.Raft.RaftLog.TryTerm(removedAt, out var removedInTerm))
        {
            kvBatch.PutMessage(Keys.RemovedAtKey(peer.RegionId), new RaftTruncatedState { Index = removedAt, Term = removedInTerm });
        }
        else
        {
            kvBatch.Delete(ColumnFamily.Default, Keys.RemovedAtKey(peer.RegionId));
        }

        peer.Storage.ClearMeta(kvBatch, raftBatch);

        // The term and the vote stay: a peer added back under the same id must not vote twice
        // in a term it voted in before it was removed. Its log is gone (last index 0, nothing
        // committed).
        raftBatch.PutMessage(Keys.RaftStateKey(peer.RegionId), new RaftLocalState
        {
            HardState = new HardState { Term = peer.Term, Vote = peer.RaftGroup.Raft.Vote },
        });
        if (peer.Storage.IsInitialized)
        {
            Snap.SnapshotData.DeleteRange(Context.Engines.Kv, peer.Region, kvBatch);
        }

        kvBatch.PutRegionState(peer.Region, PeerState.Tombstone);

        // The tombstone first: a crash between the writes leaves a tombstone, never a live region without its log.
        Context.Engines.Kv.Write(kvBatch, sync: true);
        Context.Engines.Raft.Write(raftBatch, sync: true);
        peer.Stopped = true;
        peer.AbortCommands(RegionErrors.RegionNotFound(peer.RegionId));
        if (_peers.TryGetValue(peer.RegionId, out var current) && ReferenceEquals(current, peer))
        {
            _peers.Remove(peer.RegionId);
            _ranges.Remove(peer.RegionId);
        }

        Context.Observer.Trace(StoreId, "destroy", $"{peer}: {reason}");
    }

    /// <summary>The region of <paramref name="peer"/> changed its peers or its range: records its range.</summary>
    internal void OnRegionChanged(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Storage.IsInitialized && _peers.TryGetValue(peer.RegionId, out var current) && ReferenceEquals(current, peer))
        {
            _ranges.Set(peer.Region);
        }
    }

    /// <summary>
    /// Whether a split may create the peer of <paramref name="region"/> (the right half) here:
    /// not when the region already has an initialized peer on this store (it got a snapshot of
    /// a later state) or was removed from this store already (a tombstone).
    /// </summary>
    internal bool MayCreateSplitPeer(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (_peers.TryGetValue(region.Id, out var existing) && existing.Storage.IsInitialized)
        {
            return false;
        }

        return MetaStore.RegionState(Context.Engines.Kv, region.Id) is not { State: PeerState.Tombstone };
    }

    /// <summary>
    /// Starts the peer of <paramref name="region"/>, split off <paramref name="origin"/>'s region,
    /// replacing an uninitialized peer that messages of the new region created here before (its
    /// raft state, with its vote, is kept). When the origin leads, the new peer campaigns at once.
    /// </summary>
    internal void CreateSplitPeer(Peer origin, Region region)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(region);
        if (_peers.Remove(region.Id, out var uninitialized))
        {
            uninitialized.Stopped = true;
            uninitialized.AbortCommands(RegionErrors.RegionNotFound(region.Id));
        }

        var meta = region.Peers.First(p => p.StoreId == StoreId);
        var peer = new Peer(Context, region, meta, _randomForPeer(meta.Id));
        _peers[region.Id] = peer;
        _ranges.Set(region);
        Context.Observer.Trace(StoreId, "split", $"{origin} split off {peer}");
        if (origin.IsLeader)
        {
            peer.RaftGroup.Campaign();
        }

        foreach (var vote in _pendingVotes.Where(v => v.RegionId == region.Id && v.ToPeer.Id == meta.Id).ToList())
        {
            Step(peer, vote);
        }

        _pendingVotes.RemoveAll(v => v.RegionId == region.Id);
        MarkDirty(peer);
    }

    /// <summary>
    /// Whether <paramref name="message"/> is stale for <paramref name="peer"/> and was dealt with
    /// here: from a peer no longer in the region (a removed peer that campaigns is told to destroy
    /// itself), for an older peer of this store than the current one, or for a newer one — this
    /// peer was removed and added again under a new id, so it makes way for the new one.
    /// </summary>
    private bool IsStaleFor(Peer peer, RaftMessage message)
    {
        if (message.RegionEpoch is { } fromEpoch && peer.Region.RegionEpoch is { } epoch
            && RegionEpochs.IsStale(fromEpoch, epoch) && peer.PeerOnStore(message.FromPeer.StoreId) is null)
        {
            if (message.Message.MsgType == MessageType.MsgRequestVote)
            {
                SendGcMessage(peer.Meta, peer.Region.RegionEpoch, message);
            }

            Context.Observer.Trace(StoreId, "drop", $"{peer} drops a stale {message.Message.MsgType} of peer {message.FromPeer.Id}, not in the region");
            return true;
        }

        if (message.RegionEpoch is { } sentWith && peer.IsFromEarlierLife(message.FromPeer.Id, sentWith.ConfVer))
        {
            // The sender is the removed peer, still alive under the id that was added back: it
            // makes way (destroys itself), and the store creates the new one from the next
            // heartbeat.
            SendGcMessage(peer.Meta, peer.Region.RegionEpoch, message);
            Context.Observer.Trace(StoreId, "drop", $"{peer} drops a {message.Message.MsgType} of peer {message.FromPeer.Id} from before it was added back");
            return true;
        }

        if (message.ToPeer.Id < peer.PeerId)
        {
            Context.Observer.Trace(StoreId, "drop", $"{peer} drops a message for its older peer {message.ToPeer.Id}");
            return true;
        }

        if (message.ToPeer.Id > peer.PeerId)
        {
            DestroyPeer(peer, $"peer {message.ToPeer.Id} of its region is addressed on this store");
            if (MaybeCreatePeer(message) is { } created)
            {
                Step(created, message);
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Creates the peer a message is for, when the store has none of its region: only for a
    /// message that can start a peer (a vote request, or a leader's heartbeat to a peer it has
    /// not replicated to), only if the region was not removed from this store after the
    /// message's epoch, and only if its range overlaps no region this store holds (that data is
    /// the other region's until it splits here). The new peer knows nothing of its region until
    /// the leader sends it a snapshot.
    /// </summary>
    private Peer? MaybeCreatePeer(RaftMessage message)
    {
        var raft = message.Message;
        if (raft.MsgType != MessageType.MsgRequestVote && !(raft.MsgType == MessageType.MsgHeartbeat && raft.Commit == 0))
        {
            Context.Observer.Trace(StoreId, "drop", $"no peer of region {message.RegionId} here for a {raft.MsgType}");
            return null;
        }

        if (MetaStore.RegionState(Context.Engines.Kv, message.RegionId) is { } state)
        {
            var epoch = state.Region.RegionEpoch ?? new RegionEpoch();
            if (state.State != PeerState.Tombstone || message.RegionEpoch is null
                || RegionEpochs.IsStale(message.RegionEpoch, epoch) || message.RegionEpoch.ConfVer == epoch.ConfVer)
            {
                if (state.State == PeerState.Tombstone && raft.MsgType == MessageType.MsgRequestVote)
                {
                    if (state.Region.Peers.All(p => p.StoreId != message.FromPeer.StoreId))
                    {
                        SendGcMessage(message.ToPeer, epoch, message);
                    }
                    else if (message.RegionEpoch is { } votedWith && RegionEpochs.IsStale(votedWith, epoch)
                        && MetaStore.RemovedAt(Context.Engines.Kv, message.RegionId) is { } removedAt)
                    {
                        SendRemovalCommitted(message.ToPeer, epoch, removedAt, message);
                    }
                }

                Context.Observer.Trace(StoreId, "drop", $"region {message.RegionId} was removed from this store; a {raft.MsgType} of its epoch does not bring it back");
                return null;
            }
        }

        if (_ranges.Overlapping(message.StartKey.Span, message.EndKey.Span) is { Count: > 0 } overlapping)
        {
            if (raft.MsgType == MessageType.MsgRequestVote && _pendingVotes.Count < MaxPendingVotes)
            {
                // Most likely a region just split off one of ours and this store has not applied
                // the split yet: the vote is kept for the peer the split will create here.
                _pendingVotes.Add(message);
            }

            Context.Observer.Trace(StoreId, "drop", $"region {message.RegionId} overlaps region {overlapping[0].Id} here: no peer created");
            return null;
        }

        var region = new Region { Id = message.RegionId, RegionEpoch = new RegionEpoch() };
        var peer = new Peer(Context, region, message.ToPeer, _randomForPeer(message.ToPeer.Id));
        _peers[region.Id] = peer;
        Context.Observer.Trace(StoreId, "create", $"{peer} created by a {raft.MsgType} of peer {message.FromPeer.Id}");
        return peer;
    }

    /// <summary>
    /// Whether the snapshot in <paramref name="message"/> may be installed on <paramref name="peer"/>:
    /// its region must be the peer's, must list the peer (a snapshot from before the peer was
    /// added would replay history the peer has no part in), and its range must not overlap
    /// another region of this store (one that has not applied a split yet still holds those keys). A snapshot that does not fit
    /// is dropped with its data; the leader sends another later.
    /// </summary>
    private bool SnapshotFits(Peer peer, RaftMessage message)
    {
        var snapshot = message.Message.Snapshot;
        Region? region = null;
        try
        {
            region = snapshot?.Data is { IsEmpty: false } data ? RaftSnapshotData.Parser.ParseFrom(data).Region : null;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
        }

        var fits = region is not null && region.Id == peer.RegionId
            && region.Peers.Any(p => p.Id == message.ToPeer.Id)
            && _ranges.Overlapping(region.StartKey.Span, region.EndKey.Span).All(r => r.Id == peer.RegionId);
        if (!fits)
        {
            if (snapshot?.Metadata is { } metadata)
            {
                Context.SnapshotFiles.Delete(new Snap.SnapKey(message.RegionId, metadata.Term, metadata.Index));
            }

            Context.Observer.Trace(StoreId, "drop", $"{peer} drops a snapshot whose region does not fit this store");
        }

        return fits;
    }

    /// <summary>
    /// A GC message (<c>is_tombstone</c>) for a peer of this store. Without a commit index it
    /// says the peer was removed: the peer destroys itself when its epoch is older than the
    /// sender's. With one, the sender is the peer that was removed, and tells a member that
    /// stayed where its removal committed (<see cref="SendRemovalCommitted"/>).
    /// </summary>
    private void OnGcMessage(RaftMessage message)
    {
        if (!_peers.TryGetValue(message.RegionId, out var peer) || peer.PeerId != message.ToPeer.Id)
        {
            return;
        }

        if (message.Message.Commit != 0)
        {
            if (peer.LearnCommitted(message.Message.Index, message.Message.LogTerm))
            {
                Context.Observer.Trace(StoreId, "commit", $"{peer} learns from removed peer {message.FromPeer.Id} that index {message.Message.Index} committed");
                MarkDirty(peer);
            }

            return;
        }

        if (message.RegionEpoch is { } fromEpoch && RegionEpochs.IsStale(peer.Region.RegionEpoch ?? new RegionEpoch(), fromEpoch))
        {
            DestroyPeer(peer, $"peer {message.FromPeer.Id} says it was removed");
        }
    }

    /// <summary>
    /// Answers the vote request <paramref name="vote"/> of a member that stayed in the region
    /// this store's peer applied its own removal from (at <paramref name="removedAt"/>): the
    /// removal committed, and the voter may not know it. In a region of two, a leader that
    /// applies its own removal may be destroyed before its last message tells the other peer the
    /// entry committed; that peer then campaigns forever in the old membership, where it needs
    /// the removed peer's vote. The entry's index and term let it commit the entry itself — safe,
    /// since an entry committed once is committed in every log that holds it with that term —
    /// apply the removal, and elect itself alone.
    /// </summary>
    private void SendRemovalCommitted(MetaPeer from, RegionEpoch epoch, RaftTruncatedState removedAt, RaftMessage vote)
    {
        Context.Transport.Send(new RaftMessage
        {
            RegionId = vote.RegionId,
            FromPeer = from.Clone(),
            ToPeer = vote.FromPeer.Clone(),
            RegionEpoch = epoch.Clone(),
            IsTombstone = true,
            Message = new Message { Commit = removedAt.Index, Index = removedAt.Index, LogTerm = removedAt.Term },
        });
    }

    /// <summary>Tells the sender of <paramref name="stale"/> that it was removed from its region (as of <paramref name="epoch"/>).</summary>
    private void SendGcMessage(MetaPeer from, RegionEpoch epoch, RaftMessage stale)
    {
        Context.Transport.Send(new RaftMessage
        {
            RegionId = stale.RegionId,
            FromPeer = from.Clone(),
            ToPeer = stale.FromPeer.Clone(),
            RegionEpoch = epoch.Clone(),
            IsTombstone = true,
            Message = new Message(),
        });
    }

    private void Step(Peer peer, RaftMessage message)
    {
        try
        {
            peer.Step(message);
        }
        catch (ArgumentException ex)
        {
            Context.Observer.Trace(StoreId, "drop", $"{peer} refused a message: {ex.Message}");
            return;
        }

        MarkDirty(peer);
    }

    /// <summary>
    /// The scheduler's answer to a leader's heartbeat: an order to add or remove a peer or to
    /// transfer the leader becomes an admin command on the leader, built with the epoch the
    /// scheduler knew (a command built for an older membership is refused by the epoch check).
    /// </summary>
    private void OnRegionHeartbeatResponse(RegionHeartbeatResponse response)
    {
        if (!IsRunning || !_peers.TryGetValue(response.RegionId, out var peer) || !peer.IsLeader)
        {
            return;
        }

        var admin = response switch
        {
            { ChangePeer.Peer: { } target } => new AdminRequest
            {
                CmdType = AdminCmdType.ChangePeer,
                ChangePeer = new ChangePeerRequest { ChangeType = response.ChangePeer.ChangeType, Peer = target.Clone() },
            },
            { TransferLeader.Peer: { } target } => new AdminRequest
            {
                CmdType = AdminCmdType.TransferLeader,
                TransferLeader = new TransferLeaderRequest { Peer = target.Clone() },
            },
            _ => null,
        };
        if (admin is null)
        {
            return;
        }

        var request = new RaftCmdRequest
        {
            Header = new RaftRequestHeader
            {
                RegionId = peer.RegionId,
                Peer = peer.Meta.Clone(),
                RegionEpoch = (response.RegionEpoch ?? peer.Region.RegionEpoch)?.Clone(),
            },
            AdminRequest = admin,
        };
        ProposeCommand(request, new Callback((_, snapshot) => snapshot?.Dispose()));
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
