using FluentAssertions;
using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using Xunit;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.MultiRaft.Tests.Cluster;

/// <summary>
/// The cluster tests of stage 3B that move a region's peers: the leader is handed from store to
/// store, the scheduler orders peers added and removed (the leader's own included), and the
/// generic tests run clients while a conf changer adds and removes random peers. Each
/// hand-written test follows the original's sequence of orders and engine checks; the generic
/// ones simulate at least the original's three 5-second iterations.
/// </summary>
[Milestone("3B")]
[Simulated]
public sealed class ConfChange3BTests
{
    [Fact]
    public void TransferLeader()
    {
        using var sim = ClusterSim.For<ConfChange3BTests>();
        var cluster = new TestCluster(sim, 5);
        cluster.Start();

        var regionId = cluster.GetRegion("").Id;
        for (ulong store = 1; store <= 5; store++)
        {
            cluster.MustTransferLeader(regionId, TestCluster.NewPeer(store, store));
        }

        cluster.Shutdown();
    }

    [Fact]
    public void BasicConfChange()
    {
        using var sim = ClusterSim.For<ConfChange3BTests>();
        var cluster = new TestCluster(sim, 5);
        cluster.Start();

        cluster.MustTransferLeader(1, Peer(1, 1));
        cluster.MustRemovePeer(1, Peer(2, 2));
        cluster.MustRemovePeer(1, Peer(3, 3));
        cluster.MustRemovePeer(1, Peer(4, 4));
        cluster.MustRemovePeer(1, Peer(5, 5));

        // Region 1 is down to its peer on store 1: store 2 no longer hears of writes.
        cluster.MustPut("k1", "v1");
        cluster.MustGetNone(2, "k1");

        // A new peer on store 2 catches up with what it missed.
        cluster.MustAddPeer(1, Peer(2, 2));
        cluster.MustPut("k2", "v2");
        cluster.MustGet("k2", "v2");
        cluster.MustGetEqual(2, "k1", "v1");
        cluster.MustGetEqual(2, "k2", "v2");
        cluster.GetRegion("k1").RegionEpoch.ConfVer.Should().BeGreaterThan(1, "every conf change steps the conf version");
        cluster.MustGetNone(5, "k1");

        cluster.MustAddPeer(1, Peer(3, 3));
        cluster.MustRemovePeer(1, Peer(2, 2));
        cluster.MustPut("k3", "v3");
        cluster.MustGet("k3", "v3");
        cluster.MustGetEqual(3, "k1", "v1");
        cluster.MustGetEqual(3, "k2", "v2");
        cluster.MustGetEqual(3, "k3", "v3");

        // A removed peer destroys itself and its data.
        cluster.MustGetNone(2, "k1");
        cluster.MustGetNone(2, "k2");

        // The same peer added back starts over, from a snapshot.
        cluster.MustAddPeer(1, Peer(2, 2));
        cluster.MustGetEqual(2, "k1", "v1");
        cluster.MustGetEqual(2, "k2", "v2");
        cluster.MustGetEqual(2, "k3", "v3");

        // Store 2 comes back under another peer id; store 3 leaves.
        cluster.MustRemovePeer(1, Peer(2, 2));
        cluster.MustAddPeer(1, Peer(2, 4));
        cluster.MustRemovePeer(1, Peer(3, 3));
        cluster.MustPut("k4", "v4");
        cluster.MustGetEqual(2, "k1", "v1");
        cluster.MustGetEqual(2, "k4", "v4");
        cluster.MustGetNone(3, "k1");
        cluster.MustGetNone(3, "k4");
        cluster.Shutdown();
    }

    [Fact]
    public void ConfChangeRemoveLeader()
    {
        using var sim = ClusterSim.For<ConfChange3BTests>();
        var cluster = new TestCluster(sim, 5);
        cluster.Start();

        // The leader removes itself; the others carry on without store 1.
        cluster.MustTransferLeader(1, Peer(1, 1));
        cluster.MustRemovePeer(1, Peer(1, 1));
        cluster.MustPut("k0", "v0");
        cluster.MustGetNone(1, "k0");

        // Store 1 rejoins, leads again, and has everything.
        cluster.MustAddPeer(1, Peer(1, 1));
        cluster.MustTransferLeader(1, Peer(1, 1));
        cluster.MustPut("k1", "v1");
        cluster.MustGetEqual(1, "k0", "v0");
        cluster.MustGetEqual(1, "k1", "v1");

        // Down to the leader (store 1) and store 5; then the leader removes itself again.
        cluster.MustRemovePeer(1, Peer(2, 2));
        cluster.MustRemovePeer(1, Peer(3, 3));
        cluster.MustRemovePeer(1, Peer(4, 4));
        cluster.MustRemovePeer(1, Peer(1, 1));

        // Only store 5 is left.
        cluster.MustPut("k2", "v2");
        cluster.MustGetNone(1, "k2");

        // Stores 1 and 5; store 3 left long ago.
        cluster.MustAddPeer(1, Peer(1, 1));
        cluster.MustPut("k3", "v3");
        cluster.MustGetNone(3, "k3");
        cluster.MustGetEqual(1, "k3", "v3");
        cluster.Shutdown();
    }

    [Fact]
    public void ConfChangeRecover() => ClusterSim.RunGeneric<ConfChange3BTests>(GenericScenarios.ConfChangeRecover);

    [Fact]
    public void ConfChangeRecoverManyClients() => ClusterSim.RunGeneric<ConfChange3BTests>(GenericScenarios.ConfChangeRecoverManyClients);

    [Fact]
    public void ConfChangeUnreliable() => ClusterSim.RunGeneric<ConfChange3BTests>(GenericScenarios.ConfChangeUnreliable);

    [Fact]
    public void ConfChangeUnreliableRecover() => ClusterSim.RunGeneric<ConfChange3BTests>(GenericScenarios.ConfChangeUnreliableRecover);

    [Fact]
    public void ConfChangeSnapshotUnreliableRecover() => ClusterSim.RunGeneric<ConfChange3BTests>(GenericScenarios.ConfChangeSnapshotUnreliableRecover);

    [Fact]
    public void ConfChangeSnapshotUnreliableRecoverConcurrentPartition() =>
        ClusterSim.RunGeneric<ConfChange3BTests>(GenericScenarios.ConfChangeSnapshotUnreliableRecoverConcurrentPartition);

    private static MetaPeer Peer(ulong storeId, ulong peerId) => TestCluster.NewPeer(storeId, peerId);
}
