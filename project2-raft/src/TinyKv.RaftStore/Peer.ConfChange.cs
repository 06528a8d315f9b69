using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Raft;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.RaftStore;

// Membership change of a region, one peer at a time, and leader transfer (3B).
public sealed partial class Peer
{
    /// <summary>
    /// Answers a TransferLeader command at once, without the log: asks Raft to hand leadership
    /// to the named peer (Raft brings it up to date and tells it to campaign). The answer only
    /// says the transfer started; the caller watches who leads to see it done.
    /// </summary>
    private void ProposeTransferLeader(RaftCmdRequest request, Callback callback)
    {
#if TINYKV_REF_3B
        var target = request.AdminRequest.TransferLeader?.Peer;
        if (target is null || target.Id == 0)
        {
            callback.Done(RegionErrors.Response(new Proto.Errorpb.Error { Message = "a TransferLeader command names no peer" }, Term));
            return;
        }

        if (target.Id != PeerId)
        {
            RaftGroup.TransferLeader(target.Id);
        }

        callback.Done(AdminAnswer(AdminCmdType.TransferLeader, admin => admin.TransferLeader = new TransferLeaderResponse()));
#else
        throw Todo.Slot("3B", "transfer leadership to the named peer through RawNode.TransferLeader and answer at once, without a log entry; see the 3B handout, 'Leader transfer'");
#endif
    }

    /// <summary>
    /// Proposes a ChangePeer command as a configuration change entry, the command itself in the
    /// change's context (applying needs the peer's store, not only its id). Refuses while
    /// another change is proposed but not applied, and refuses to remove this peer while it
    /// leads: it hands leadership to another peer first, and the new leader makes the change.
    /// </summary>
    private void ProposeConfChange(RaftCmdRequest request, Callback callback)
    {
#if TINYKV_REF_3B
        var change = request.AdminRequest.ChangePeer;
        if (change?.Peer is not { Id: not 0 } target)
        {
            callback.Done(RegionErrors.Response(new Proto.Errorpb.Error { Message = "a ChangePeer command names no peer" }, Term));
            return;
        }

        if (change.ChangeType == ConfChangeType.RemoveNode && target.Id == PeerId)
        {
            // A leader that applies its own removal stops at once; the others may not even know
            // the change committed, and with two peers the survivor could never elect itself.
            // Step aside first: the next leader removes this peer.
            if (MostCaughtUpFollower() is { } successor)
            {
                RaftGroup.TransferLeader(successor);
            }

            callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, null), Term));
            return;
        }

        if (RaftGroup.Raft.PendingConfIndex > RaftGroup.Raft.RaftLog.Applied)
        {
            callback.Done(RegionErrors.Response(new Proto.Errorpb.Error { Message = $"{Tag} has a membership change pending; propose the next one after it applies" }, Term));
            return;
        }

        var index = RaftGroup.Raft.RaftLog.LastIndex() + 1;
        try
        {
            RaftGroup.ProposeConfChange(new ConfChange
            {
                ChangeType = change.ChangeType,
                NodeId = target.Id,
                Context = request.ToByteString(),
            });
        }
        catch (ProposalDroppedException ex)
        {
            callback.Done(RegionErrors.Response(new Proto.Errorpb.Error { Message = ex.Message }, Term));
            return;
        }

        if (RaftGroup.Raft.RaftLog.LastIndex() < index)
        {
            callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)), Term));
            return;
        }

        Proposals.Add(new Proposal(index, Term, callback));
#else
        throw Todo.Slot("3B", "propose the ChangePeer command as a conf change entry (the command in its context), one at a time; a leader never removes itself; see the 3B handout, 'Conf change'");
#endif
    }

    /// <summary>
    /// Applies a committed configuration change entry into <paramref name="batch"/>: checks the
    /// command's epoch against the region (a change built for an older membership is refused),
    /// then adds or removes the peer in the region, bumps the conf version, persists the region
    /// state with the batch and tells Raft. A change already made (the peer is there, or gone)
    /// changes nothing. Removing this very peer marks it for destruction once the batch is
    /// written.
    /// </summary>
    /// <returns>The command (for answering), its response, and what changed beyond the data.</returns>
    private (RaftCmdRequest? Request, RaftCmdResponse Response, ApplyEffects Effects) ApplyConfChangeEntry(Entry entry, WriteBatch batch)
    {
        var change = ConfChange.Parser.ParseFrom(entry.Data);
        if (change.Context.IsEmpty)
        {
            // A change without a command: nothing a store proposes; let Raft count it as applied.
            RaftGroup.ApplyConfChange(new ConfChange { NodeId = RaftNode.None });
            return (null, RegionErrors.Response(new Proto.Errorpb.Error { Message = "a conf change without its command" }), ApplyEffects.None);
        }

        var request = RaftCmdRequest.Parser.ParseFrom(change.Context);
#if TINYKV_REF_3B
        if (RegionEpochs.Check(request, Region, includeRegion: true) is { } epochError)
        {
            RaftGroup.ApplyConfChange(new ConfChange { NodeId = RaftNode.None });
            return (request, RegionErrors.Response(epochError), ApplyEffects.None);
        }

        var target = request.AdminRequest.ChangePeer.Peer;
        var region = Region.Clone();
        var existing = region.Peers.FirstOrDefault(p => p.StoreId == target.StoreId);
        var effects = ApplyEffects.None;
        switch (change.ChangeType)
        {
            case ConfChangeType.AddNode when existing is null:
                region.Peers.Add(target.Clone());
                InsertPeerCache(target);
                _addedAtConfVer[target.Id] = (region.RegionEpoch?.ConfVer ?? 0) + 1;
                effects = ApplyEffects.RegionChanged;
                break;
            case ConfChangeType.RemoveNode when existing is not null && existing.Id == target.Id:
                region.Peers.Remove(existing);
                RemovePeerCache(target.Id);
                effects = target.Id == PeerId ? ApplyEffects.RegionChanged | ApplyEffects.RemovedSelf : ApplyEffects.RegionChanged;
                break;
            default:
                // Already made (the store has its peer, or the peer is gone): only Raft hears of it.
                change = new ConfChange { NodeId = RaftNode.None };
                break;
        }

        if (effects != ApplyEffects.None)
        {
            region.RegionEpoch ??= new RegionEpoch();
            region.RegionEpoch.ConfVer++;
            Storage.Region = region;
            batch.PutRegionState(region, effects.HasFlag(ApplyEffects.RemovedSelf) ? PeerState.Tombstone : PeerState.Normal);
        }

        RaftGroup.ApplyConfChange(change);
        return (request, AdminAnswer(AdminCmdType.ChangePeer, admin => admin.ChangePeer = new ChangePeerResponse { Region = Region.Clone() }), effects);
#else
        throw Todo.Slot("3B", "apply the conf change: check the epoch, add or remove the peer in the region, bump conf_ver, persist the region state, tell Raft; ignore a change already made; see the 3B handout, 'Conf change'");
#endif
    }

    private readonly Dictionary<ulong, ulong> _addedAtConfVer = [];

    /// <summary>
    /// Whether a message from peer <paramref name="peerId"/>, sent with <paramref name="confVer"/>,
    /// comes from an earlier life of that peer: the id was removed and added back (at a later
    /// conf version than the message's) since it was sent. A new life starts uninitialized
    /// (conf version 0) and then takes the region's; only an old one sends a conf version in
    /// between. Such a message must not reach Raft, which would take the old peer's progress for
    /// the new one's.
    /// </summary>
    internal bool IsFromEarlierLife(ulong peerId, ulong confVer) =>
        confVer != 0 && _addedAtConfVer.TryGetValue(peerId, out var added) && confVer < added;

    /// <summary>The follower whose log matches the leader's furthest, or null when there is none.</summary>
    private ulong? MostCaughtUpFollower()
    {
        ulong? best = null;
        ulong bestMatch = 0;
        foreach (var (id, progress) in RaftGroup.Raft.Prs)
        {
            if (id != PeerId && (best is null || progress.Match > bestMatch))
            {
                best = id;
                bestMatch = progress.Match;
            }
        }

        return best;
    }

    /// <summary>A successful answer to an admin command of type <paramref name="type"/>, filled in by <paramref name="fill"/>.</summary>
    private RaftCmdResponse AdminAnswer(AdminCmdType type, Action<AdminResponse> fill)
    {
        var admin = new AdminResponse { CmdType = type };
        fill(admin);
        return new RaftCmdResponse { Header = new RaftResponseHeader { CurrentTerm = Term }, AdminResponse = admin };
    }

    /// <summary>The peer of this region on store <paramref name="storeId"/>, or null.</summary>
    internal MetaPeer? PeerOnStore(ulong storeId) => Region.Peers.FirstOrDefault(p => p.StoreId == storeId);
}
