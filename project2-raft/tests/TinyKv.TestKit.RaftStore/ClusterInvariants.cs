using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Raft;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;

namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// Safety properties checked while a cluster runs, after every round of every store (each
/// round's peers: see <see cref="RoundDone"/>) and as each entry is applied: at most one
/// leader per term per region; a peer's committed index never moves back while it runs; an
/// index of a region applied anywhere holds the same entry everywhere; a peer's truncated state
/// (after log compaction or a snapshot) names the term of the entry applied at its index; an
/// entry is applied only once its store's raft engine holds it (persisted before applied). With
/// many regions (stage 3B): no two live peers of one store cover overlapping keys, and a region's
/// epoch as a store shows it never goes back while the store runs. A violation throws
/// <see cref="InvariantViolationException"/>, which fails the run with its seed.
/// </summary>
public sealed class ClusterInvariants : IRaftStoreObserver
{
    private readonly Dictionary<(ulong Region, ulong Term), (ulong Store, ulong Peer)> _leaders = [];
    private readonly Dictionary<(ulong Region, ulong Index), (ulong Term, ByteString Data, ulong Store)> _applied = [];
    private readonly Dictionary<RawNode, NodeChecks> _checked = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<StoreHost, Peer[]> _peersOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<StoreHost, StoreChecks> _stores = new(ReferenceEqualityComparer.Instance);
    private readonly Action<ulong, string, string> _trace;
    private readonly Func<ulong, Engines?>? _enginesOf;

    /// <summary>
    /// Creates the checks; <paramref name="trace"/> records the stores' trace lines (store, kind,
    /// text); <paramref name="enginesOf"/>, when given, finds a store's engines, to check that an
    /// applied entry was persisted first.
    /// </summary>
    public ClusterInvariants(Action<ulong, string, string> trace, Func<ulong, Engines?>? enginesOf = null)
    {
        _trace = trace ?? throw new ArgumentNullException(nameof(trace));
        _enginesOf = enginesOf;
    }

    /// <summary>How many entries were checked on apply.</summary>
    public long AppliedChecked { get; private set; }

    /// <inheritdoc/>
    public void Applied(ulong storeId, ulong regionId, ulong peerId, Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        AppliedChecked++;
        if (_enginesOf?.Invoke(storeId) is { } engines
            && PersistedTerm(engines.Raft, regionId, entry.Index) != entry.Term)
        {
            throw new InvariantViolationException(
                $"region {regionId} index {entry.Index}: store {storeId} applied an entry of term {entry.Term} that its raft engine does not hold; " +
                "entries are applied only after the write that persists them");
        }

        if (_applied.TryGetValue((regionId, entry.Index), out var first))
        {
            if (first.Term != entry.Term || !first.Data.Equals(entry.Data))
            {
                throw new InvariantViolationException(
                    $"region {regionId} index {entry.Index}: store {storeId} applied an entry of term {entry.Term} ({entry.Data.Length} bytes), " +
                    $"store {first.Store} applied one of term {first.Term} ({first.Data.Length} bytes)");
            }

            return;
        }

        _applied[(regionId, entry.Index)] = (entry.Term, entry.Data, storeId);
    }

    // The term of the entry the raft engine holds at the index (null: none), as MetaStore.RaftEntry
    // would parse it, but reading only the term field: every applied entry is checked on every
    // store, and parsing it whole would copy its data once more.
    private static ulong? PersistedTerm(IKvEngine raft, ulong regionId, ulong index)
    {
        if (raft.Get(ColumnFamily.Default, Keys.RaftLogKey(regionId, index)) is not { } bytes)
        {
            return null;
        }

        return TryReadTerm(bytes, out var term) ? term : Entry.Parser.ParseFrom(bytes).Term;
    }

    // Walks the fields of a serialized Entry and keeps the last term (field 2, a varint), as a
    // parser does; false when it meets anything but the wire types of Entry's fields, or runs
    // short, and the caller parses the whole entry instead.
    private static bool TryReadTerm(ReadOnlySpan<byte> bytes, out ulong term)
    {
        term = 0;
        while (!bytes.IsEmpty)
        {
            if (!TryReadVarint(ref bytes, out var tag) || tag >> 3 == 0)
            {
                return false;
            }

            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(ref bytes, out var value))
                    {
                        return false;
                    }

                    if (tag >> 3 == Entry.TermFieldNumber)
                    {
                        term = value;
                    }

                    break;
                case 2:
                    if (!TryReadVarint(ref bytes, out var length) || length > (ulong)bytes.Length)
                    {
                        return false;
                    }

                    bytes = bytes[(int)length..];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> bytes, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < bytes.Length; i++)
        {
            value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if (bytes[i] < 0x80)
            {
                bytes = bytes[(i + 1)..];
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Trace(ulong storeId, string kind, string text) => _trace(storeId, kind, text);

    /// <inheritdoc/>
    /// <remarks>
    /// The checks run here, for the peers the round handled: a peer's Raft node and region
    /// change only in a round of its store, so checking each round's peers checks every change,
    /// at a cost that follows the work done rather than the number of peers. The store's ranges
    /// are checked again when one of its regions changed.
    /// </remarks>
    public void RoundDone(StoreHost store, IReadOnlyList<Peer> peers)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(peers);
        if (!store.IsRunning)
        {
            return;
        }

        if (!_stores.TryGetValue(store, out var checks))
        {
            checks = _stores[store] = new StoreChecks();
        }

        var regionsChanged = false;
        for (var i = 0; i < peers.Count; i++)
        {
            regionsChanged |= Check(store, peers[i], checks);
        }

        if (regionsChanged)
        {
            CheckRanges(store, PeersOf(store));
        }
    }

    /// <summary>Checks the leaders, committed indexes, region ranges and epochs of the running stores' peers, all of them.</summary>
    /// <remarks>
    /// Runs often, so it remembers, per Raft node, what it last checked and skips the
    /// look-ups whose answer cannot have changed: a leader already recorded for its term (a record
    /// is never replaced: a second leader throws), a truncated state already matched with the
    /// entry applied at its index (applied entries are never replaced either), and a store's
    /// ranges while neither its set of peers nor any peer's region (object, epoch, whether it is
    /// live) changed.
    /// </remarks>
    public void Check(IReadOnlyList<StoreHost> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        for (var s = 0; s < stores.Count; s++)
        {
            var store = stores[s];
            var peers = PeersOf(store);
            if (!_stores.TryGetValue(store, out var checks))
            {
                checks = _stores[store] = new StoreChecks();
            }

            var regionsChanged = !ReferenceEquals(peers, checks.Peers);
            checks.Peers = peers;
            foreach (var peer in peers)
            {
                regionsChanged |= Check(store, peer, checks);
            }

            if (regionsChanged)
            {
                CheckRanges(store, peers);
            }
        }
    }

    // A store's peers in its order, without walking its sorted dictionary (which allocates) when
    // the peers are the ones of the last call: as many, and each still the store's peer of its region.
    private Peer[] PeersOf(StoreHost store)
    {
        if (_peersOf.TryGetValue(store, out var peers) && peers.Length == store.Peers.Count)
        {
            var same = true;
            foreach (var peer in peers)
            {
                if (!ReferenceEquals(store.PeerOf(peer.RegionId), peer))
                {
                    same = false;
                    break;
                }
            }

            if (same)
            {
                return peers;
            }
        }

        peers = [.. store.Peers];
        _peersOf[store] = peers;
        return peers;
    }

    // Checks one peer; true when its region changed since the last check (its store's ranges
    // must be checked again).
    private bool Check(StoreHost store, Peer peer, StoreChecks storeChecks)
    {
        var node = peer.RaftGroup;
        if (!_checked.TryGetValue(node, out var seen))
        {
            seen = _checked[node] = new NodeChecks(); // A restarted peer is a new node: its committed index starts over.
        }

        var raft = node.Raft;
        if (raft.State == StateType.Leader && seen.LeaderOfTerm != raft.Term)
        {
            var key = (peer.RegionId, raft.Term);
            if (_leaders.TryGetValue(key, out var leader) && leader != (store.StoreId, peer.PeerId))
            {
                throw new InvariantViolationException(
                    $"region {peer.RegionId} has two leaders in term {raft.Term}: peer {leader.Peer} on store {leader.Store} and peer {peer.PeerId} on store {store.StoreId}");
            }

            _leaders[key] = (store.StoreId, peer.PeerId);
            seen.LeaderOfTerm = raft.Term;
        }

        var committed = raft.RaftLog.Committed;
        if (committed < seen.Committed)
        {
            throw new InvariantViolationException(
                $"{peer}: the committed index moved back from {seen.Committed} to {committed}");
        }

        seen.Committed = committed;

        var truncated = peer.Storage.ApplyState.TruncatedState;
        if (seen.MatchedTruncatedIndex != truncated.Index || seen.MatchedTruncatedTerm != truncated.Term)
        {
            if (_applied.TryGetValue((peer.RegionId, truncated.Index), out var entry))
            {
                if (entry.Term != truncated.Term)
                {
                    throw new InvariantViolationException(
                        $"{peer}: its log is truncated at index {truncated.Index} with term {truncated.Term}, but the entry applied at that index has term {entry.Term}");
                }

                seen.MatchedTruncatedIndex = truncated.Index;
                seen.MatchedTruncatedTerm = truncated.Term;
            }
        }

        return CheckEpoch(store, peer, seen, storeChecks);
    }

    /// <summary>
    /// Checks that the epoch of <paramref name="peer"/>'s region does not go back from what its
    /// store showed for that region before; true when the region changed since the last look.
    /// </summary>
    /// <remarks>
    /// The memory is per store incarnation (a <see cref="StoreHost"/> object), not per store id.
    /// Within one run of a store the epoch only moves forward, whatever its peers do: a peer
    /// destroyed and created again for the same region starts uninitialized (no epoch to compare,
    /// skipped) and gets the region from a snapshot or a split, both newer than anything the store
    /// showed before. Across a crash it may legitimately go back: a region state is written with
    /// the apply batch of its entry, and a crash may take unsynced kv-engine writes with it — the
    /// region state and the applied index together — so the restarted peer shows the older epoch
    /// until it applies the same entries again.
    /// </remarks>
    private static bool CheckEpoch(StoreHost store, Peer peer, NodeChecks seen, StoreChecks storeChecks)
    {
        var region = peer.Region;
        var version = region.RegionEpoch?.Version ?? 0;
        var confVer = region.RegionEpoch?.ConfVer ?? 0;
        var live = IsLive(peer);
        if (ReferenceEquals(seen.Region, region) && seen.Version == version && seen.ConfVer == confVer && seen.Live == live)
        {
            return false;
        }

        seen.Region = region;
        seen.Version = version;
        seen.ConfVer = confVer;
        seen.Live = live;
        if (!live)
        {
            return true;
        }

        if (storeChecks.Epochs.TryGetValue(region.Id, out var before) && (version < before.Version || confVer < before.ConfVer))
        {
            throw new InvariantViolationException(
                $"store {store.StoreId}: the epoch of region {region.Id} went back from conf_ver {before.ConfVer} version {before.Version} " +
                $"to conf_ver {confVer} version {version} ({peer}); while a store runs, a region's epoch only moves forward");
        }

        storeChecks.Epochs[region.Id] = (version, confVer);
        return true;
    }

    /// <summary>
    /// Checks that no two live peers of <paramref name="store"/> cover overlapping keys: each key
    /// belongs to at most one region on a store, or a write could land in two of them, or in the
    /// wrong one. (A store must refuse a snapshot whose range overlaps a region it still holds.)
    /// </summary>
    private static void CheckRanges(StoreHost store, Peer[] peers)
    {
        if (peers.Length < 2)
        {
            return;
        }

        var live = new List<Peer>(peers.Length);
        foreach (var peer in peers)
        {
            if (IsLive(peer))
            {
                live.Add(peer);
            }
        }

        live.Sort((a, b) => ByteComparer.Compare(a.Region.StartKey.Span, b.Region.StartKey.Span));
        for (var i = 1; i < live.Count; i++)
        {
            var left = live[i - 1].Region;
            var right = live[i].Region;
            if (left.EndKey.IsEmpty || ByteComparer.Compare(left.EndKey.Span, right.StartKey.Span) > 0)
            {
                throw new InvariantViolationException(
                    $"store {store.StoreId} holds regions {left.Id} {MockScheduler.Describe(left)} and {right.Id} {MockScheduler.Describe(right)}, " +
                    "which overlap; a key belongs to one region of a store at most");
            }
        }
    }

    // A peer that counts for the checks of ranges and epochs: not stopped (destroyed), and
    // initialized — an uninitialized peer, created by a message before its snapshot came, has a
    // region without peers, range or epoch yet.
    private static bool IsLive(Peer peer) => !peer.Stopped && peer.Region.Peers.Count > 0;

    /// <summary>What <see cref="Check(IReadOnlyList{StoreHost})"/> remembers of one store incarnation.</summary>
    private sealed class StoreChecks
    {
        /// <summary>The peers of the last check (the array <see cref="PeersOf"/> returned).</summary>
        public Peer[]? Peers { get; set; }

        /// <summary>The epoch last shown for each region id, while the peer was live.</summary>
        public Dictionary<ulong, (ulong Version, ulong ConfVer)> Epochs { get; } = [];
    }

    /// <summary>What <see cref="Check(IReadOnlyList{StoreHost})"/> last saw of one Raft node.</summary>
    private sealed class NodeChecks
    {
        public ulong Committed { get; set; }

        /// <summary>The term in which this node was last recorded as its region's leader (0: never).</summary>
        public ulong LeaderOfTerm { get; set; }

        public ulong MatchedTruncatedIndex { get; set; } = ulong.MaxValue;

        public ulong MatchedTruncatedTerm { get; set; } = ulong.MaxValue;

        /// <summary>The region object last seen (a store may replace it or change it in place; both are noticed).</summary>
        public Proto.Metapb.Region? Region { get; set; }

        public ulong Version { get; set; }

        public ulong ConfVer { get; set; }

        public bool Live { get; set; }
    }
}

/// <summary>A safety property of the cluster does not hold.</summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvariantViolationException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public InvariantViolationException(string message)
        : base("invariant violated: " + message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public InvariantViolationException(string message, Exception innerException)
        : base("invariant violated: " + message, innerException)
    {
    }
}
