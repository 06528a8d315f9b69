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
    public void Basic() => Generic(new ScenarioOptions { Clients = 1 });

    [Fact]
    public void Concurrent() => Generic(new ScenarioOptions { Clients = 5 });

    [Fact]
    public void Unreliable() => Generic(new ScenarioOptions { Clients = 5, Unreliable = true });

    [Fact]
    public void ManyPartitionsOneClient() => Generic(new ScenarioOptions { Clients = 1, Partitions = true });

    [Fact]
    public void ManyPartitionsManyClients() => Generic(new ScenarioOptions { Clients = 5, Partitions = true });

    [Fact]
    public void PersistOneClient() => Generic(new ScenarioOptions { Clients = 1, Crash = true });

    [Fact]
    public void PersistConcurrent() => Generic(new ScenarioOptions { Clients = 5, Crash = true });

    [Fact]
    public void PersistConcurrentUnreliable() => Generic(new ScenarioOptions { Clients = 5, Unreliable = true, Crash = true });

    [Fact]
    public void PersistPartition() => Generic(new ScenarioOptions { Clients = 5, Crash = true, Partitions = true });

    [Fact]
    public void PersistPartitionUnreliable() => Generic(new ScenarioOptions { Clients = 5, Unreliable = true, Crash = true, Partitions = true });

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

    private static void Generic(ScenarioOptions options, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        using var sim = ClusterSim.For<Basic2BTests>(test);
        GenericScenario.Run(sim, options);
    }
}
