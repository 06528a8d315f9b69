using FluentAssertions;
using TinyKv.Scheduler.Operators;
using TinyKv.TestKit;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.Scheduler.Tests.Simulation;

/// <summary>
/// Beyond the original: the whole scheduler (region heartbeats, balance-region, balance-leader,
/// the replica checker, the operator controller and the coordinator's timers) against simulated
/// stores that carry out its commands, on virtual time (see <see cref="SimulatedStores"/>).
/// Each test runs seeds 1 to 10, or only <c>TINYKV_SEED</c> when it is set; a failure names the
/// seed and the command that replays it. While a run goes, every region heartbeat is checked
/// against the staleness rule and every event against "one operator per region"; at the end,
/// the scheduler's view must match the truth.
/// </summary>
[Milestone("3C")]
[Simulated]
public sealed class SchedulerSimulationTests
{
    private static readonly TimeSpan MaxStoreDownTime = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Five stores end up holding region counts at most two apart: every region weighs the same,
    /// and balance-region moves one only when the source holds more than two regions' worth
    /// more than the target, so it stops exactly when the fullest and the emptiest store are at
    /// most two regions apart.
    /// </summary>
    [Fact]
    public void Balance_region_spreads_the_regions_over_a_store_that_joins()
    {
        foreach (var seed in Seeds())
        {
            using var sim = new Simulator(seed, $"{nameof(SchedulerSimulationTests)}.{nameof(Balance_region_spreads_the_regions_over_a_store_that_joins)}");
            var stores = new SimulatedStores(sim, Options());
            stores.Bootstrap(storeCount: 4, regionCount: 48, regionSizeMiB: 20);
            stores.Coordinator.Start();
            sim.RunFor(Minutes(2));

            var newcomer = stores.AddStore();
            sim.RunFor(Minutes(10));

            var counts = stores.Stores.ToDictionary(s => s.Id, s => stores.RegionCountOn(s.Id));
            var because = $"regions per store {Describe(counts)} (replay: {sim.ReplayCommand})";
            counts[newcomer].Should().BeGreaterThan(0, because);
            (counts.Values.Max() - counts.Values.Min()).Should().BeLessThanOrEqualTo(2, because);
            stores.Regions.Should().OnlyContain(r => r.Meta.Peers.Count == 3, because);
            stores.MembershipChanges.Should().BeGreaterThan(0, because);
            ShouldBeSettled(stores, sim);
        }
    }

    /// <summary>
    /// A store goes down: while it has been silent for less than the max store down time nothing
    /// of it is replaced (its leaders are re-elected elsewhere); once that time has passed, the
    /// replica checker gives every region it held a third replica on the stores left.
    /// </summary>
    [Fact]
    public void Replica_checker_restores_three_replicas_after_a_store_is_lost()
    {
        foreach (var seed in Seeds())
        {
            using var sim = new Simulator(seed, $"{nameof(SchedulerSimulationTests)}.{nameof(Replica_checker_restores_three_replicas_after_a_store_is_lost)}");
            var stores = new SimulatedStores(sim, Options());
            stores.Bootstrap(storeCount: 5, regionCount: 40, regionSizeMiB: 20);
            stores.Coordinator.Start();
            sim.RunFor(Minutes(2));

            var victims = stores.Stores.Select(s => s.Id).ToList();
            var lost = victims[sim.Streams.Stream("victim", 0).Next(victims.Count)];
            var held = stores.Regions.Where(r => r.PeerOn(lost) is not null).Select(r => r.Id).ToList();
            stores.StopStore(lost);
            sim.RunFor((long)(MaxStoreDownTime - TimeSpan.FromSeconds(10)).TotalMicroseconds);

            var before = $"store {lost} is down but not for long enough to be replaced (replay: {sim.ReplayCommand})";
            held.Should().NotBeEmpty(before);
            stores.Regions.Where(r => held.Contains(r.Id)).Should().OnlyContain(r => r.PeerOn(lost) != null, before);
            stores.Regions.Should().OnlyContain(r => r.Leader != null && r.Leader.StoreId != lost, $"every region led from store {lost} elected a new leader (replay: {sim.ReplayCommand})");

            sim.RunFor(Minutes(3));

            stores.ReplicaProblems().Should().BeEmpty($"every region has three caught-up replicas on the stores left (replay: {sim.ReplayCommand})");
            ShouldBeSettled(stores, sim);
        }
    }

    /// <summary>
    /// Three stores, writes that grow and split the regions, two stores joining and one going
    /// down; after the writes stop and the lost store's time has passed: three replicas per
    /// region on live stores, and the live stores' region sizes at most twice the largest region
    /// apart (the fixed point of the size-gap rule: the emptiest store lacks some region of the
    /// fullest, which would move if the gap were larger).
    /// </summary>
    [Fact]
    public void A_growing_cluster_with_splits_joins_and_a_lost_store_ends_balanced_and_consistent()
    {
        foreach (var seed in Seeds())
        {
            using var sim = new Simulator(seed, $"{nameof(SchedulerSimulationTests)}.{nameof(A_growing_cluster_with_splits_joins_and_a_lost_store_ends_balanced_and_consistent)}");
            var stores = new SimulatedStores(sim, Options());
            stores.Bootstrap(storeCount: 3, regionCount: 12, regionSizeMiB: 8);
            stores.Coordinator.Start();
            stores.StartWrites();
            sim.RunFor(Minutes(1));
            stores.AddStore();
            sim.RunFor(Minutes(2));
            stores.AddStore();
            sim.RunFor(Minutes(2));
            var alive = stores.AliveStores.Select(s => s.Id).ToList();
            stores.StopStore(alive[sim.Streams.Stream("victim", 0).Next(alive.Count)]);
            sim.RunFor(Minutes(2));
            stores.StopWrites();

            // A peer the balancer sent to the store just before it counted as down waits out the
            // operator's timeout before the replica checker may fix its region.
            sim.RunFor((long)(Operator.RegionOperatorWaitTime + MaxStoreDownTime + TimeSpan.FromMinutes(3)).TotalMicroseconds);

            var replay = $"(replay: {sim.ReplayCommand})";
            stores.Splits.Should().BeGreaterThan(0, $"the writes split regions {replay}");
            stores.ReportsRefused.Should().BeGreaterThan(0, $"late reports reached the scheduler after newer ones {replay}");
            stores.ReplicaProblems().Should().BeEmpty($"every region has three caught-up replicas on live stores {replay}");
            var sizes = stores.AliveStores.ToDictionary(s => s.Id, s => stores.RegionSizeOn(s.Id));
            var largest = stores.Regions.Max(SimulatedStores.SizeMiB);
            (sizes.Values.Max() - sizes.Values.Min()).Should().BeLessThanOrEqualTo(
                2 * largest,
                $"region sizes (MiB) per live store {Describe(sizes)}, largest region {largest} MiB {replay}");
            ShouldBeSettled(stores, sim);
        }
    }

    /// <summary>Seeds 1 to 10, or only <c>TINYKV_SEED</c> when it is set.</summary>
    private static IEnumerable<long> Seeds() =>
        SimulationSeed.Parse(Environment.GetEnvironmentVariable(SimulationSeed.Variable)) is { } seed
            ? [seed]
            : Enumerable.Range(1, 10).Select(s => (long)s);

    private static ScheduleOptions Options() => new() { MaxStoreDownTime = MaxStoreDownTime };

    private static long Minutes(int minutes) => (long)TimeSpan.FromMinutes(minutes).TotalMicroseconds;

    private static string Describe<T>(IReadOnlyDictionary<ulong, T> perStore) =>
        string.Join(", ", perStore.Select(p => $"{p.Key}: {p.Value}"));

    /// <summary>Nothing left to do: no operator running, and the scheduler's view is the truth.</summary>
    private static void ShouldBeSettled(SimulatedStores stores, Simulator sim)
    {
        stores.Cluster.Operators.GetOperators().Should().BeEmpty($"every operator finished (replay: {sim.ReplayCommand})");
        stores.Disagreements().Should().BeEmpty($"every region reported since its last change (replay: {sim.ReplayCommand})");
    }
}
