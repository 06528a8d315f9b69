using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>
/// The eleven cluster tests of stage 2B: five stores replicate one region; clients put and scan
/// while the network fails in the ways each test names. Every test simulates at least the
/// virtual time the original spends on the wall clock (three 5-second iterations and the pauses
/// between them), in a few seconds.
/// </summary>
[Milestone("2B")]
[Simulated]
public sealed class Basic2BTests
{
    [Fact]
    public void Basic() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.Basic);

    [Fact]
    public void Concurrent() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.Concurrent);

    [Fact]
    public void Unreliable() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.Unreliable);

    [Fact]
    public void ManyPartitionsOneClient() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.ManyPartitionsOneClient);

    [Fact]
    public void ManyPartitionsManyClients() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.ManyPartitionsManyClients);

    [Fact]
    public void PersistOneClient() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.PersistOneClient);

    [Fact]
    public void PersistConcurrent() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.PersistConcurrent);

    [Fact]
    public void PersistConcurrentUnreliable() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.PersistConcurrentUnreliable);

    [Fact]
    public void PersistPartition() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.PersistPartition);

    [Fact]
    public void PersistPartitionUnreliable() => ClusterSim.RunGeneric<Basic2BTests>(GenericScenarios.PersistPartitionUnreliable);

    [Fact]
    public void OnePartition()
    {
        using var sim = ClusterSim.For<Basic2BTests>();
        var cluster = new TestCluster(sim, 5);
        cluster.Start();

        var region = cluster.Run(() => cluster.GetRegionAsync([]));
        var leader = cluster.Run(() => cluster.LeaderOfRegionAsync(region.Id)) ?? throw new ClusterCallException("no leader");
        var majority = new List<ulong> { leader.StoreId };
        var minority = new List<ulong>();
        foreach (var peer in region.Peers.Where(p => p.Id != leader.Id))
        {
            (majority.Count < 3 ? majority : minority).Add(peer.StoreId);
        }

        cluster.Partition(majority, minority);
        cluster.MustPut("k1", "v1");
        cluster.MustGet("k1", "v1");
        cluster.MustGetNone(minority[0], "k1");
        cluster.MustGetNone(minority[1], "k1");
        cluster.ClearFilters();

        // The old leader and one follower are now the minority; the other three elect a leader.
        minority.Add(majority[2]);
        majority.RemoveAt(2);
        cluster.Partition(majority, minority);
        cluster.MustGet("k1", "v1");
        cluster.MustPut("k1", "changed");
        cluster.MustGetEqual(majority[0], "k1", "v1");
        cluster.MustGetEqual(majority[1], "k1", "v1");
        cluster.ClearFilters();

        cluster.MustPut("k2", "v2");
        cluster.MustGetEqual(majority[0], "k2", "v2");
        cluster.MustGetEqual(majority[0], "k1", "changed");
        cluster.Shutdown();
    }
}
