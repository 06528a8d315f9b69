using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

// Peers come and go as regions change (3B): destroyed when removed, created when a region splits,
// their ranges recorded; the scheduler's orders become admin commands.
public sealed partial class StoreHost
{
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
}
