using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore.Meta;

using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.RaftStore;

// Messages between stores: each reaches the peer of its region; stale ones are dropped or answered
// with a tombstone message, and a message that may start a peer creates it (3B).
public sealed partial class StoreHost
{
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
}
