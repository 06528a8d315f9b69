using FluentAssertions;
using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>
/// The order of one round of a store's loop: the round's raft-engine write comes before any of
/// its committed entries is applied, even where Raft commits an entry before it is persisted.
/// </summary>
[Simulated]
public sealed class StoreRoundTests
{
    [Fact]
    public void Lone_leader_applies_its_entries_only_after_persisting_them()
    {
        using var sim = ClusterSim.For<StoreRoundTests>();
        var cluster = new TestCluster(sim, 1);
        cluster.Start();

        // A single voter commits an entry as soon as it appends it; the cluster's invariant
        // checks fail the run if an entry is applied before the raft engine holds it.
        cluster.MustPut("k1", "v1");
        cluster.MustPut("k2", "v2");
        cluster.MustGet("k1", "v1");

        cluster.Invariants.AppliedChecked.Should().BeGreaterThan(2);
        cluster.Shutdown();
    }
}
