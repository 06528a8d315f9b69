using System.Diagnostics;
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

        // Admin commands of stage 3B have their own ways in (CompactLog is proposed as any command).
        switch (request.AdminRequest?.CmdType)
        {
            case AdminCmdType.TransferLeader:
                ProposeTransferLeader(request, callback);
                return;
            case AdminCmdType.ChangePeer:
                ProposeConfChange(request, callback);
                return;
            case AdminCmdType.Split:
                ProposeSplit(request, callback);
                return;
        }

#if TINYKV_REF_2B
        if (request.AdminRequest is null && request.Requests.Count > 0
            && request.Requests.All(r => r.CmdType is CmdType.Get or CmdType.Snap))
        {
            // A read waits for the end of the round, to share one entry with the others.
            _pendingReads.Add(new ReadCommand(request, callback));
            return;
        }

        _proposedThisRound = Propose(request, callback);
#else
        throw Todo.Slot("2B", "propose the request to Raft and remember the callback under the index and term its entry will get; see the 2B handout, 'Proposals'");
#endif
    }

#if TINYKV_REF_2B
    private readonly List<ReadCommand> _pendingReads = [];
    private Proposal? _proposedThisRound;

    /// <summary>
    /// Proposes <paramref name="request"/> and remembers its callback under the index and term
    /// its entry gets; answers NotLeader at once when Raft does not take it.
    /// </summary>
    /// <returns>The proposal, or null when Raft refused it.</returns>
    private Proposal? Propose(RaftCmdRequest request, Callback callback)
    {
        var index = RaftGroup.Raft.RaftLog.LastIndex() + 1;
        var term = Term;
        try
        {
            RaftGroup.Propose(request.ToByteArray());
        }
        catch (ProposalDroppedException)
        {
            callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)), Term));
            return null;
        }

        if (RaftGroup.Raft.RaftLog.LastIndex() < index)
        {
            // Raft did not append it (the peer is no leader after all).
            callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)), Term));
            return null;
        }

        var proposal = new Proposal(index, term, callback);
        Proposals.Add(proposal);
        return proposal;
    }

    /// <summary>
    /// At the end of a round, before its Ready is taken: the reads that arrived during the round
    /// go together, by ReadIndex when the config asks for it and this leader can
    /// (<see cref="CanReadByIndex"/>), otherwise through the log in one entry: they ride on the
    /// last command proposed in this round, or, when there is none, on an entry of their own
    /// that carries the first of them. Reads that waited too long for ReadIndex go through the log.
    /// </summary>
    /// <remarks>
    /// Sharing is safe because the entry is of this term and no message with it has left the
    /// store yet (messages leave in the store's Flush, after this): it can commit only after
    /// every read it carries arrived, so this peer was still the leader then, and applying it
    /// applies every entry committed before any of them arrived. Any read of the round may take
    /// its place at the entry, since none of them is answered before it is applied.
    /// </remarks>
    private void ProposePendingReads()
    {
        var carrier = _proposedThisRound;
        _proposedThisRound = null;
        if (_readIndexRounds.Count > 0)
        {
            ReadLateRoundsThroughLog();
        }

        if (_pendingReads.Count == 0)
        {
            return;
        }

        var reads = _pendingReads.ToList();
        _pendingReads.Clear();
        if (CanReadByIndex)
        {
            ReadByIndex(reads);
            return;
        }

        ProposeReads(reads, carrier);
    }

    /// <summary>
    /// Has <paramref name="reads"/> share <paramref name="carrier"/>'s entry, or, when there is
    /// none of this term, an entry of their own that carries the first of them.
    /// </summary>
    private void ProposeReads(List<ReadCommand> reads, Proposal? carrier)
    {
        if (carrier is null || !IsLeader || carrier.Term != Term)
        {
            carrier = Propose(reads[0].Request, reads[0].Callback);
            if (carrier is null)
            {
                foreach (var read in reads.Skip(1))
                {
                    read.Callback.Done(RegionErrors.Response(RegionErrors.NotLeader(RegionId, PeerFromCache(LeaderId)), Term));
                }

                return;
            }

            reads.RemoveAt(0);
        }

        carrier.SharedReads.AddRange(reads);
    }
#endif

    /// <summary>
    /// Answers every command waiting on this peer — proposals, the reads sharing their entries,
    /// the reads of this round — with <paramref name="error"/>: the peer is going away.
    /// </summary>
    internal void AbortCommands(Error error)
    {
        foreach (var proposal in Proposals)
        {
            proposal.Callback.Done(RegionErrors.Response(error, Term));
            foreach (var read in proposal.SharedReads)
            {
                read.Callback.Done(RegionErrors.Response(error, Term));
            }
        }

        Proposals.Clear();
#if TINYKV_REF_2B
        foreach (var read in _pendingReads)
        {
            read.Callback.Done(RegionErrors.Response(error, Term));
        }

        _pendingReads.Clear();
        _proposedThisRound = null;
        AbortReadsByIndex(error);
#endif
    }

    /// <summary>Why <paramref name="request"/> cannot be proposed on this peer, or null when it can.</summary>
    /// <remarks>
    /// What concerns the store — a header to route by, the store it is meant for — the store
    /// checked before it handed the request to this peer (<see cref="StoreHost.ProposeCommand"/>).
    /// </remarks>
    internal Error? PreProposeError(RaftCmdRequest request)
    {
        var header = request.Header;
        Debug.Assert(header is not null, "the store hands a peer only requests with a header");
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

        if (RegionEpochs.Check(request, Region, includeRegion: true) is { } epochError)
        {
            return epochError;
        }

        // A key outside the region is refused now rather than after a trip through the log (3B).
        foreach (var item in request.Requests)
        {
            if (KeyOf(item) is { } key && !RegionKeys.Contains(Region, key.Span))
            {
                return RegionErrors.KeyNotInRegion(key, Region);
            }
        }

        return null;
    }
}
