using FluentAssertions;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>
/// The raftstore tests of stage 2C: logs are compacted (CompactLog once the applied entries pass
/// the limit, the raft log GC deletes them), so a follower that fell behind catches up from a
/// snapshot sent in chunks. The generic tests run with a limit of 100 entries and check after
/// every iteration that no store keeps more than twice that.
/// </summary>
[Milestone("2C")]
[Simulated]
public sealed class Snapshot2CTests
{
    [Fact]
    public void OneSnapshot()
    {
        using var sim = ClusterSim.For<Snapshot2CTests>();
        var config = RaftStoreConfig.ForTests with { RaftLogGcCountLimit = 10 };
        var cluster = new TestCluster(sim, 3, new TestClusterOptions { Config = config });
        cluster.Start();
        const string cf = ColumnFamily.Lock;

        cluster.MustPutCf(cf, "k1", "v1");
        cluster.MustPutCf(cf, "k2", "v2");
        cluster.MustGetCfEqual(1, cf, "k1", "v1");
        cluster.MustGetCfEqual(1, cf, "k2", "v2");
        foreach (var storeId in cluster.StoreIds)
        {
            var state = MetaStore.ApplyState(cluster.EnginesOf(storeId).Kv, 1)!;
            state.TruncatedState.Index.Should().Be(MetaStore.RaftInitLogIndex, $"store {storeId} has not compacted yet");
            state.TruncatedState.Term.Should().Be(MetaStore.RaftInitLogTerm);
        }

        cluster.Partition([1], [2, 3]);
        for (var i = 100; i < 115; i++)
        {
            cluster.MustPutCf(cf, $"k{i}", $"v{i}");
        }

        cluster.MustDeleteCf(cf, "k2");
        cluster.Sleep(500_000);
        cluster.MustGetCfNone(1, cf, "k100");
        cluster.ClearFilters();

        // Store 1 missed entries the others have compacted away: only a snapshot brings it back.
        cluster.MustGetCfEqual(1, cf, "k1", "v1");
        cluster.MustGetCfEqual(1, cf, "k100", "v100");
        cluster.MustGetCfNone(1, cf, "k2");
        cluster.SnapshotsReceivedBy(1).Should().BeGreaterThan(0, "store 1 can only catch up from a snapshot");

        cluster.StopServer(1);
        cluster.StartServer(1);
        cluster.MustGetCfEqual(1, cf, "k1", "v1");
        foreach (var storeId in cluster.StoreIds)
        {
            var state = MetaStore.ApplyState(cluster.EnginesOf(storeId).Kv, 1)!;
            (state.AppliedIndex - state.TruncatedState.Index).Should().BeLessThanOrEqualTo(
                2 * config.RaftLogGcCountLimit, $"store {storeId} must trim its log");
        }

        cluster.Shutdown();
    }

    [Fact]
    public void SnapshotRecover() => ClusterSim.RunGeneric<Snapshot2CTests>(GenericScenarios.SnapshotRecover);

    [Fact]
    public void SnapshotRecoverManyClients() => ClusterSim.RunGeneric<Snapshot2CTests>(GenericScenarios.SnapshotRecoverManyClients);

    [Fact]
    public void SnapshotUnreliable() => ClusterSim.RunGeneric<Snapshot2CTests>(GenericScenarios.SnapshotUnreliable);

    [Fact]
    public void SnapshotUnreliableRecover() => ClusterSim.RunGeneric<Snapshot2CTests>(GenericScenarios.SnapshotUnreliableRecover);

    [Fact]
    public void SnapshotUnreliableRecoverConcurrentPartition() => ClusterSim.RunGeneric<Snapshot2CTests>(GenericScenarios.SnapshotUnreliableRecoverConcurrentPartition);
}
