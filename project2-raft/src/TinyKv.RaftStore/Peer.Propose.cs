using Google.Protobuf;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Raft;

namespace TinyKv.RaftStore;

// Turning client commands into Raft proposals (2B).
public sealed partial class Peer
{
    /// <summary>
    /// Proposes <paramref name="request"/> to Raft and remembers <paramref name="callback"/>
    /// under the index and term its entry will have, so applying that entry answers it. A
    /// request that cannot be proposed here (not the leader, wrong peer or epoch, stale term) is
    /// answered at once with the region error.
    /// </summary>
    internal void ProposeRaftCommand(RaftCmdRequest request, Callback callback)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(callback);
        if (PreProposeError(request) is { } error)
        {
            callback.Done(RegionErrors.Response(error, Term));
            return;
        }

#if TINYKV_REF_2B
        var index = RaftGroup.Raft.RaftLog.LastIndex() + 1;
        var term = Term;
        try
        {
            RaftGroup.Propose(request.ToByteArray());
        }
        catch (ProposalDroppedException)
        {
            callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)), Term));
            return;
        }

        if (RaftGroup.Raft.RaftLog.LastIndex() < index)
        {
            // Raft did not append it (the peer is no leader after all).
            callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)), Term));
            return;
        }

        Proposals.Add(new Proposal(index, term, callback));
#else
        throw Todo.Slot("2B", "propose the request to Raft and remember the callback under the index and term its entry will get; see the 2B handout, 'Proposals'");
#endif
    }

    /// <summary>Why <paramref name="request"/> cannot be proposed on this peer, or null when it can.</summary>
    internal Error? PreProposeError(RaftCmdRequest request)
    {
        var header = request.Header;
        if (header is null)
        {
            return new Error { Message = "the request has no header" };
        }

        if (header.Peer is { } target && target.StoreId != Context.StoreId)
        {
            return RegionErrors.StoreNotMatch(target.StoreId, Context.StoreId);
        }

        if (!IsLeader)
        {
            return RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId));
        }

        if (header.Peer is { } peer && peer.Id != PeerId)
        {
            return new Error { Message = $"mismatch peer id {peer.Id} != {PeerId}" };
        }

        if (header.Term > 0 && Term > header.Term + 1)
        {
            return RegionErrors.StaleCommand();
        }

        return RegionEpochs.Check(request, Region, includeRegion: true);
    }
}
