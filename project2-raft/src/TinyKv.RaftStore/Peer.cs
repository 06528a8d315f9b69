using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Raft;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.RaftStore;

/// <summary>
/// One replica of a region on a store: a Raft node (<see cref="RaftGroup"/>) over its
/// <see cref="PeerStorage"/>, and the proposals waiting for their entries to apply. Everything
/// runs on the store's loop.
/// </summary>
/// <remarks>
/// The work is split by topic: <c>Peer.Propose.cs</c> turns client commands into proposals
/// (2B), <c>Peer.Ready.cs</c> persists, sends and applies what Raft hands out (2B),
/// <c>Peer.Apply.cs</c> executes committed commands (2B), <c>Peer.ReadIndex.cs</c> answers
/// reads without the log when the config asks for it, <c>Peer.LogGc.cs</c> compacts the log (2C),
/// <c>Peer.ConfChange.cs</c> changes the region's members and transfers its leader, and
/// <c>Peer.Split.cs</c> splits it (3B).
/// </remarks>
public sealed partial class Peer
{
    private readonly SortedDictionary<ulong, MetaPeer> _peerCache = [];

    internal Peer(StoreContext context, Region region, MetaPeer meta, Random random)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(meta);
        Context = context;
        Meta = meta.Clone();
        Tag = $"[region {region.Id}] peer {meta.Id} (store {context.StoreId})";
        Storage = new PeerStorage(context.Engines, region, context.SnapshotFiles, context.Scheduler, Tag);
        RaftGroup = new RawNode(new Config
        {
            Id = meta.Id,
            ElectionTick = context.Config.RaftElectionTimeoutTicks,
            HeartbeatTick = context.Config.RaftHeartbeatTicks,
            Storage = Storage,
            Applied = Storage.AppliedIndex,
            Random = random,
        });
        foreach (var peer in region.Peers)
        {
            _peerCache[peer.Id] = peer.Clone();
        }

        LastCompactedIndex = Storage.TruncatedIndex;
    }

    /// <summary>The store this peer lives on.</summary>
    public StoreContext Context { get; }

    /// <summary>This peer's id and store.</summary>
    public MetaPeer Meta { get; }

    /// <summary>The id of this peer.</summary>
    public ulong PeerId => Meta.Id;

    /// <summary>The region as this peer knows it.</summary>
    public Region Region => Storage.Region;

    /// <summary>The id of the region.</summary>
    public ulong RegionId => Storage.Region.Id;

    /// <summary>A label for messages: region, peer and store.</summary>
    public string Tag { get; }

    /// <summary>The Raft node.</summary>
    public RawNode RaftGroup { get; }

    /// <summary>The peer's storage.</summary>
    public PeerStorage Storage { get; }

    /// <summary>Proposals waiting for their entries to be applied, in index order.</summary>
    public List<Proposal> Proposals { get; } = [];

    /// <summary>Entries below this index were handed to the raft log GC worker already (2C).</summary>
    public ulong LastCompactedIndex { get; internal set; }

    /// <summary>Whether the peer was stopped (its store stopped, or it was destroyed); a stopped peer does nothing.</summary>
    public bool Stopped
    {
        get => Storage.Closed;
        internal set => Storage.Closed = value;
    }

    /// <summary>The role and term last written to the trace (see <see cref="IRaftStoreObserver.Trace"/>).</summary>
    internal (StateType State, ulong Term) LastTracedRole { get; set; }

    /// <summary>Whether this peer is the leader of its region.</summary>
    public bool IsLeader => RaftGroup.Raft.State == StateType.Leader;

    /// <summary>The id of the leader this peer knows of, or <see cref="RaftNode.None"/>.</summary>
    public ulong LeaderId => RaftGroup.Raft.Lead;

    /// <summary>This peer's current term.</summary>
    public ulong Term => RaftGroup.Raft.Term;

    /// <summary>The peer <paramref name="peerId"/> of this region, if known.</summary>
    public MetaPeer? PeerFromCache(ulong peerId) => _peerCache.GetValueOrDefault(peerId);

    /// <summary>Remembers where peer <paramref name="peer"/> lives.</summary>
    public void InsertPeerCache(MetaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_peerCache.TryGetValue(peer.Id, out var known) && known.Equals(peer))
        {
            return; // Every message from a peer names it: most often it is known already.
        }

        _peerCache[peer.Id] = peer.Clone();
    }

    /// <summary>Forgets peer <paramref name="peerId"/>.</summary>
    public void RemovePeerCache(ulong peerId) => _peerCache.Remove(peerId);

    /// <summary>Steps a message from another peer of the region into Raft.</summary>
    internal void Step(RaftMessage message)
    {
        if (message.FromPeer is { } from)
        {
            InsertPeerCache(from);
        }

        RaftGroup.Step(message.Message);
        NoteHeartbeatStamp(message);
    }

    /// <summary>
    /// Commits up to <paramref name="index"/> on word that the entry there, of
    /// <paramref name="term"/>, committed (from a removed peer that applied it): only when this
    /// peer's log holds that very entry, which makes everything up to it the committed log.
    /// </summary>
    /// <returns>Whether the commit index moved.</returns>
    internal bool LearnCommitted(ulong index, ulong term)
    {
        var log = RaftGroup.Raft.RaftLog;
        if (Stopped || index <= log.Committed || !log.MatchTerm(index, term))
        {
            return false;
        }

        log.CommitTo(index);
        return true;
    }

    /// <summary>Sends <paramref name="messages"/> (from a Ready) to the other peers' stores.</summary>
    internal void Send(IEnumerable<Message> messages)
    {
        foreach (var message in messages)
        {
            var to = PeerFromCache(message.To);
            if (to is null)
            {
                continue; // A peer we know nothing about: nowhere to send it.
            }

            var raftMessage = new RaftMessage
            {
                RegionId = RegionId,
                FromPeer = Meta.Clone(),
                ToPeer = to.Clone(),
                Message = message,
                RegionEpoch = Region.RegionEpoch?.Clone(),
                StartKey = Region.StartKey,
                EndKey = Region.EndKey,
            };
            StampHeartbeat(raftMessage);
            Context.Transport.Send(raftMessage);
        }
    }

    /// <summary>Tells the scheduler this peer leads the region.</summary>
    internal void HeartbeatScheduler()
    {
        if (!IsLeader)
        {
            return;
        }

        var request = new RegionHeartbeatRequest { Region = Region.Clone(), Leader = Meta.Clone(), ApproximateSize = ApproximateSize ?? 0 };
        foreach (var (id, progress) in RaftGroup.Raft.Prs)
        {
            if (id != PeerId && progress.Match < Storage.TruncatedIndex && PeerFromCache(id) is { } peer)
            {
                request.PendingPeers.Add(peer.Clone());
            }
        }

        Context.SchedulerClient.RegionHeartbeat(request);
    }

    /// <inheritdoc/>
    public override string ToString() => Tag;
}

/// <summary>A command proposed at (<paramref name="Index"/>, <paramref name="Term"/>) waiting to be applied.</summary>
public sealed record Proposal(ulong Index, ulong Term, Callback Callback)
{
    /// <summary>
    /// Reads that share this proposal's entry instead of having one each: they are answered
    /// when the entry is applied, each from the engine as it is then, or all with the
    /// proposal's error when the entry loses its place in the log.
    /// </summary>
    public List<ReadCommand> SharedReads { get; } = [];
}

/// <summary>A read-only command (<c>Get</c>s and <c>Snap</c>s) and the callback that answers it.</summary>
public sealed record ReadCommand(Proto.RaftCmdpb.RaftCmdRequest Request, Callback Callback);
