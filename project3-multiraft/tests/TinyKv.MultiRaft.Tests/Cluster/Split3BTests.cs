using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.RaftStore;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using TinyKv.TestKit.RaftStore;
using Xunit;

namespace TinyKv.MultiRaft.Tests.Cluster;

/// <summary>
/// The cluster tests of stage 3B that split regions: a region that grows past its maximum size
/// splits in two, each half a region of its own with its own leader, and a request sent to the
/// wrong half is refused with KeyNotInRegion. The generic tests split with the original's tiny
/// sizes (300 bytes), so the clients' keys end up in many regions, and check after each
/// iteration that the first region did split.
/// </summary>
[Milestone("3B")]
[Simulated]
public sealed class Split3BTests
{
    [Fact]
    public void OneSplit()
    {
        using var sim = ClusterSim.For<Split3BTests>();
        var config = RaftStoreConfig.ForTests with { RegionMaxSize = 800, RegionSplitSize = 500 };
        var cluster = new TestCluster(sim, 5, new TestClusterOptions { Config = config });
        cluster.Start();

        cluster.MustPut("k1", "v1");
        cluster.MustPut("k2", "v2");
        var region = cluster.GetRegion("k1");
        cluster.GetRegion("k2").Id.Should().Be(region.Id, "two small keys fit in the first region");

        // Store 5 misses the writes that make the region split, and the split itself. The split
        // checker counts the bytes of keys and values (the original's engine counts more per
        // pair), so 150 pairs of 8 bytes take the region past 800 bytes for one split: the left
        // half gets a little over 500 bytes and the right half stays under 800.
        cluster.Partition([1, 2, 3, 4], [5]);
        for (var i = 100; i < 250; i++)
        {
            cluster.MustPut($"k{i}", $"v{i}");
        }

        cluster.Sleep(200_000);
        cluster.ClearFilters();

        var left = cluster.GetRegion("k1");
        var right = cluster.GetRegion("k2");
        right.Id.Should().NotBe(left.Id, "k100..k249 took the region past 800 bytes, so it split between k1 and k2");
        left.StartKey.Should().Equal(region.StartKey, "the left half starts where the region started");
        left.EndKey.Should().Equal(right.StartKey, "the halves meet at the split key");
        right.EndKey.Should().Equal(region.EndKey, "the right half ends where the region ended");

        var get = new RaftCmdRequest { Header = new RaftRequestHeader { RegionId = left.Id, RegionEpoch = left.RegionEpoch.Clone() } };
        get.Requests.Add(new Request { CmdType = CmdType.Get, Get = new GetRequest { Cf = ColumnFamily.Default, Key = ByteString.CopyFromUtf8("k2") } });
        var result = cluster.Run(() => cluster.CallCommandOnLeaderAsync(get, 5_000_000)); // store 5 rejoining may force an election first
        result.Should().NotBeNull("the left half's leader answers a request for a key it does not hold at once");
        result!.Response.Header?.Error?.KeyNotInRegion.Should().NotBeNull($"k2 is not in region {left.Id}");

        // Once the partition heals, store 5 catches up with both halves.
        cluster.MustGetEqual(5, "k100", "v100");
        cluster.Shutdown();
    }

    [Fact]
    public void SplitRecover() => ClusterSim.RunGeneric<Split3BTests>(GenericScenarios.SplitRecover);

    [Fact]
    public void SplitRecoverManyClients() => ClusterSim.RunGeneric<Split3BTests>(GenericScenarios.SplitRecoverManyClients);

    [Fact]
    public void SplitUnreliable() => ClusterSim.RunGeneric<Split3BTests>(GenericScenarios.SplitUnreliable);

    [Fact]
    public void SplitUnreliableRecover() => ClusterSim.RunGeneric<Split3BTests>(GenericScenarios.SplitUnreliableRecover);

    [Fact]
    public void SplitConfChangeSnapshotUnreliableRecover() =>
        ClusterSim.RunGeneric<Split3BTests>(GenericScenarios.SplitConfChangeSnapshotUnreliableRecover);

    [Fact]
    public void SplitConfChangeSnapshotUnreliableRecoverConcurrentPartition() =>
        ClusterSim.RunGeneric<Split3BTests>(GenericScenarios.SplitConfChangeSnapshotUnreliableRecoverConcurrentPartition);
}
