using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore.Meta;

/// <summary>
/// Reads and writes the bookkeeping records of <see cref="Keys"/> as protobuf values in the
/// default column family, and the initial values a new region starts from.
/// </summary>
public static class MetaStore
{
    /// <summary>The term of the log entries a bootstrapped region starts with.</summary>
    public const ulong RaftInitLogTerm = 5;

    /// <summary>The index of the last log entry a bootstrapped region starts with.</summary>
    public const ulong RaftInitLogIndex = 5;

    /// <summary>The version of a new region's epoch.</summary>
    public const ulong InitEpochVersion = 1;

    /// <summary>The configuration version of a new region's epoch.</summary>
    public const ulong InitEpochConfVersion = 1;

    /// <summary>The message stored under <paramref name="key"/>, or null when the key is absent.</summary>
    public static T? Get<T>(IKvEngine engine, byte[] key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(parser);
        return engine.Get(ColumnFamily.Default, key) is { } bytes ? parser.ParseFrom(bytes.AsSpan()) : null;
    }

    /// <summary>The message stored under <paramref name="key"/> in <paramref name="snapshot"/>, or null when the key is absent.</summary>
    public static T? Get<T>(IEngineSnapshot snapshot, byte[] key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(parser);
        return snapshot.Get(ColumnFamily.Default, key) is { } bytes ? parser.ParseFrom(bytes.AsSpan()) : null;
    }

    /// <summary>Adds "store <paramref name="message"/> under <paramref name="key"/>" to <paramref name="batch"/>.</summary>
    public static WriteBatch PutMessage(this WriteBatch batch, byte[] key, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(message);
        return batch.Put(ColumnFamily.Default, key, message.ToByteArray());
    }

    /// <summary>The region state of <paramref name="regionId"/> in the kv engine, or null.</summary>
    public static RegionLocalState? RegionState(IKvEngine kv, ulong regionId) =>
        Get(kv, Keys.RegionStateKey(regionId), RegionLocalState.Parser);

    /// <summary>The raft state of <paramref name="regionId"/> in the raft engine, or null.</summary>
    public static RaftLocalState? RaftState(IKvEngine raft, ulong regionId) =>
        Get(raft, Keys.RaftStateKey(regionId), RaftLocalState.Parser);

    /// <summary>The apply state of <paramref name="regionId"/> in the kv engine, or null.</summary>
    public static RaftApplyState? ApplyState(IKvEngine kv, ulong regionId) =>
        Get(kv, Keys.ApplyStateKey(regionId), RaftApplyState.Parser);

    /// <summary>The index and term of the entry by which this store's peer of <paramref name="regionId"/> applied its own removal, or null.</summary>
    public static RaftTruncatedState? RemovedAt(IKvEngine kv, ulong regionId) =>
        Get(kv, Keys.RemovedAtKey(regionId), RaftTruncatedState.Parser);

    /// <summary>The raft log entry at <paramref name="index"/> of <paramref name="regionId"/>, or null.</summary>
    public static Entry? RaftEntry(IKvEngine raft, ulong regionId, ulong index) =>
        Get(raft, Keys.RaftLogKey(regionId, index), Entry.Parser);

    /// <summary>The raft state a peer starts with: what is stored, else (for a region created by a split or a message) an empty one.</summary>
    public static RaftLocalState InitRaftState(IKvEngine raft, Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (RaftState(raft, region.Id) is { } stored)
        {
            if (region.Peers.Count > 0 && stored.LastIndex < RaftInitLogIndex)
            {
                // A peer that messages created before its region split off here: it may have
                // voted (its hard state is kept) but holds no entries; the split starts its log
                // where a new region's log starts.
                stored.HardState ??= new HardState();
                stored.LastIndex = RaftInitLogIndex;
                stored.LastTerm = RaftInitLogTerm;
                stored.HardState.Term = Math.Max(stored.HardState.Term, RaftInitLogTerm);
                stored.HardState.Commit = Math.Max(stored.HardState.Commit, RaftInitLogIndex);
                raft.Write(new WriteBatch().PutMessage(Keys.RaftStateKey(region.Id), stored), sync: true);
            }

            return stored;
        }

        var state = new RaftLocalState { HardState = new HardState() };
        if (region.Peers.Count > 0)
        {
            // A region that already has peers (it came from a split) starts where bootstrapped regions do.
            state.LastIndex = RaftInitLogIndex;
            state.LastTerm = RaftInitLogTerm;
            state.HardState.Term = RaftInitLogTerm;
            state.HardState.Commit = RaftInitLogIndex;
            raft.Write(new WriteBatch().PutMessage(Keys.RaftStateKey(region.Id), state), sync: true);
        }

        return state;
    }

    /// <summary>The apply state a peer starts with: what is stored, else an initial one.</summary>
    public static RaftApplyState InitApplyState(IKvEngine kv, Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (ApplyState(kv, region.Id) is { } stored)
        {
            return stored;
        }

        var state = new RaftApplyState { TruncatedState = new RaftTruncatedState() };
        if (region.Peers.Count > 0)
        {
            state.AppliedIndex = RaftInitLogIndex;
            state.TruncatedState.Index = RaftInitLogIndex;
            state.TruncatedState.Term = RaftInitLogTerm;
            kv.Write(new WriteBatch().PutMessage(Keys.ApplyStateKey(region.Id), state), sync: true);
        }

        return state;
    }

    /// <summary>Adds "region <paramref name="region"/> is in state <paramref name="state"/>" to <paramref name="batch"/>.</summary>
    public static WriteBatch PutRegionState(this WriteBatch batch, Region region, PeerState state) =>
        batch.PutMessage(Keys.RegionStateKey(region.Id), new RegionLocalState { Region = region.Clone(), State = state });
}
