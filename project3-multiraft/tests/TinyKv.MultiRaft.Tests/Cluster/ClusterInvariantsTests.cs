using FluentAssertions;
using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.RaftStore;
using TinyKv.TestKit.Simulation;
using Xunit;
using MetaPeer = TinyKv.Proto.Metapb.Peer;

namespace TinyKv.MultiRaft.Tests.Cluster;

/// <summary>
/// The multi-region checks of <see cref="ClusterInvariants"/> catch what they are meant to: a
/// store whose regions overlap, and a region epoch that goes back while its store runs. A
/// correct store never shows either, so these tests build the bad states by hand: regions
/// written straight into a store's kv engine, an epoch changed under a running peer.
/// </summary>
public sealed class ClusterInvariantsTests : IDisposable
{
    private readonly Simulator _sim = new(1, nameof(ClusterInvariantsTests));
    private readonly MockScheduler _scheduler = new();
    private readonly ClusterInvariants _invariants = new((_, _, _) => { });

    public void Dispose() => _sim.Dispose();

    [Fact]
    public void Regions_that_meet_at_a_key_do_not_overlap()
    {
        var store = StartStore(Region(1, "", "m"), Region(2, "m", ""));

        var check = () => _invariants.Check([store]);

        check.Should().NotThrow("[, m) and [m, end) share no key");
    }

    [Fact]
    public void Two_regions_of_one_store_claiming_the_same_keys_are_a_violation()
    {
        var store = StartStore(Region(1, "", "m"), Region(2, "k", ""));

        var check = () => _invariants.Check([store]);

        check.Should().Throw<InvariantViolationException>().WithMessage("*store 1 holds regions 1*and 2*overlap*");
    }

    [Fact]
    public void A_region_without_an_end_overlaps_every_region_after_its_start()
    {
        var store = StartStore(Region(1, "a", ""), Region(2, "x", "z"));

        var check = () => _invariants.Check([store]);

        check.Should().Throw<InvariantViolationException>().WithMessage("*overlap*");
    }

    [Fact]
    public void An_epoch_that_goes_back_while_the_store_runs_is_a_violation()
    {
        var store = StartStore(Region(1, "", "", version: 3, confVer: 4));
        _invariants.Check([store]);

        store.PeerOf(1)!.Region.RegionEpoch.ConfVer = 3; // What no correct store does: forget a conf change.
        var check = () => _invariants.Check([store]);

        check.Should().Throw<InvariantViolationException>().WithMessage("*epoch of region 1 went back*conf_ver 4 version 3*conf_ver 3 version 3*");
    }

    [Fact]
    public void An_epoch_that_moves_forward_is_fine()
    {
        var store = StartStore(Region(1, "", "", version: 3, confVer: 4));
        _invariants.Check([store]);

        store.PeerOf(1)!.Region.RegionEpoch.Version = 4;
        var check = () => _invariants.Check([store]);

        check.Should().NotThrow();
    }

    [Fact]
    public void A_restarted_store_starts_from_what_its_engines_hold()
    {
        var engines = NewEngines(Region(1, "", "", version: 3, confVer: 4));
        var first = StartStore(engines);
        first.PeerOf(1)!.Region.RegionEpoch.ConfVer = 5; // Shown, but (as after a crash that lost the write) not on disk.
        _invariants.Check([first]);
        first.Stop();

        var restarted = StartStore(engines);
        var check = () => _invariants.Check([restarted]);

        check.Should().NotThrow("a crash may take the unsynced region state with it, and the restarted peer applies the entry again");
    }

    private StoreHost StartStore(params Region[] regions) => StartStore(NewEngines(regions));

    private StoreHost StartStore(Engines engines)
    {
        var store = new StoreHost(
            1, RaftStoreConfig.ForTests, engines, _sim, new NoTransport(), _scheduler.ClientFor(1, _sim),
            new Random(1), peerId => new Random((int)peerId), _invariants);
        store.Start();
        return store;
    }

    private Engines NewEngines(params Region[] regions)
    {
        var engines = new Engines(new MemoryEngine(), new MemoryEngine());
        Bootstrap.BootstrapStore(engines, _scheduler.ClusterId, 1);
        foreach (var region in regions)
        {
            Bootstrap.PrepareBootstrapCluster(engines, region);
        }

        Bootstrap.ClearPrepareBootstrapState(engines);
        return engines;
    }

    private static Region Region(ulong id, string start, string end, ulong version = MetaStore.InitEpochVersion, ulong confVer = MetaStore.InitEpochConfVersion) => new()
    {
        Id = id,
        StartKey = ByteString.CopyFromUtf8(start),
        EndKey = ByteString.CopyFromUtf8(end),
        RegionEpoch = new RegionEpoch { Version = version, ConfVer = confVer },
        Peers = { new MetaPeer { Id = id, StoreId = 1 } },
    };

    private sealed class NoTransport : ITransport
    {
        public void Send(RaftMessage message)
        {
        }
    }
}
