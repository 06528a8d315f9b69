using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// Creating a cluster's stores and its first region, as the original course does it: each
/// store writes its identity into an empty engine; then every store of the first region writes
/// that region's initial states (log at index and term 5) under a "prepare bootstrap" marker,
/// which is cleared once the scheduler has accepted the cluster.
/// </summary>
public static class Bootstrap
{
    /// <summary>Writes the identity of store <paramref name="storeId"/> into empty engines.</summary>
    /// <exception cref="InvalidOperationException">The engines are not empty.</exception>
    public static void BootstrapStore(Engines engines, ulong clusterId, ulong storeId)
    {
        ArgumentNullException.ThrowIfNull(engines);
        if (!IsEmpty(engines.Kv) || !IsEmpty(engines.Raft))
        {
            throw new InvalidOperationException($"cannot bootstrap store {storeId}: its engines are not empty");
        }

        var ident = new StoreIdent { ClusterId = clusterId, StoreId = storeId };
        engines.Kv.Write(new WriteBatch().PutMessage(Keys.StoreIdentKey, ident), sync: true);
    }

    /// <summary>The identity written by <see cref="BootstrapStore"/>, or null.</summary>
    public static StoreIdent? StoreIdent(Engines engines)
    {
        ArgumentNullException.ThrowIfNull(engines);
        return MetaStore.Get(engines.Kv, Keys.StoreIdentKey, Proto.RaftServerpb.StoreIdent.Parser);
    }

    /// <summary>Writes the initial states of the cluster's first region <paramref name="region"/>.</summary>
    public static void PrepareBootstrapCluster(Engines engines, Region region)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(region);
        var kv = new WriteBatch()
            .PutMessage(Keys.PrepareBootstrapKey, new RegionLocalState { Region = region.Clone() })
            .PutRegionState(region, PeerState.Normal)
            .PutMessage(Keys.ApplyStateKey(region.Id), new RaftApplyState
            {
                AppliedIndex = MetaStore.RaftInitLogIndex,
                TruncatedState = new RaftTruncatedState { Index = MetaStore.RaftInitLogIndex, Term = MetaStore.RaftInitLogTerm },
            });
        engines.Kv.Write(kv, sync: true);
        var raft = new WriteBatch().PutMessage(Keys.RaftStateKey(region.Id), new RaftLocalState
        {
            HardState = new Proto.Eraftpb.HardState { Term = MetaStore.RaftInitLogTerm, Commit = MetaStore.RaftInitLogIndex },
            LastIndex = MetaStore.RaftInitLogIndex,
            LastTerm = MetaStore.RaftInitLogTerm,
        });
        engines.Raft.Write(raft, sync: true);
    }

    /// <summary>Removes the "prepare bootstrap" marker once the cluster is bootstrapped.</summary>
    public static void ClearPrepareBootstrapState(Engines engines)
    {
        ArgumentNullException.ThrowIfNull(engines);
        engines.Kv.Write(new WriteBatch().Delete(ColumnFamily.Default, Keys.PrepareBootstrapKey), sync: true);
    }

    /// <summary>The first region <see cref="PrepareBootstrapCluster"/> wrote and the scheduler has not yet accepted, or null.</summary>
    public static Region? PreparedRegion(Engines engines)
    {
        ArgumentNullException.ThrowIfNull(engines);
        return MetaStore.Get(engines.Kv, Keys.PrepareBootstrapKey, RegionLocalState.Parser)?.Region;
    }

    /// <summary>
    /// Takes back a first region this store prepared when another store bootstrapped the cluster
    /// first: the marker and every state <see cref="PrepareBootstrapCluster"/> wrote for
    /// <paramref name="region"/>.
    /// </summary>
    public static void DiscardPreparedCluster(Engines engines, Region region)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(region);
        engines.Raft.Write(new WriteBatch().Delete(ColumnFamily.Default, Keys.RaftStateKey(region.Id)), sync: true);
        engines.Kv.Write(
            new WriteBatch()
                .Delete(ColumnFamily.Default, Keys.PrepareBootstrapKey)
                .Delete(ColumnFamily.Default, Keys.RegionStateKey(region.Id))
                .Delete(ColumnFamily.Default, Keys.ApplyStateKey(region.Id)),
            sync: true);
    }

    private static bool IsEmpty(IKvEngine engine)
    {
        using var snapshot = engine.GetSnapshot();
        foreach (var cf in ColumnFamily.All)
        {
            using var iterator = snapshot.NewIterator(cf);
            iterator.SeekToFirst();
            if (iterator.Valid)
            {
                return false;
            }
        }

        return true;
    }
}
