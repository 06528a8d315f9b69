using FluentAssertions;
using TinyKv.TestKit.RaftStore;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>
/// A seed replays a cluster run exactly: the same seed gives the same event trace, event for
/// event (equal hashes), and another seed a different one. Runs a shortened 2B scenario with
/// crashes, partitions and drops, so every source of randomness is exercised.
/// </summary>
public sealed class DeterminismTests
{
    private static readonly ScenarioOptions Short = new()
    {
        Clients = 3,
        Unreliable = true,
        Partitions = true,
        Crash = true,
        Iterations = 1,
        ClientMicros = 1_500_000,
    };

    [Fact]
    public void The_same_seed_gives_the_same_trace_and_another_seed_a_different_one()
    {
        var first = Run(11);
        var again = Run(11);
        var other = Run(12);

        again.Should().Be(first, "a seed must replay the run event for event");
        other.Hash.Should().NotBe(first.Hash, "another seed must drive another run");
        first.Events.Should().BeGreaterThan(5_000, "the scenario must really run");
    }

    private static (string Hash, long Events, long Now) Run(long seed)
    {
        using var sim = new Simulator(seed, $"{nameof(DeterminismTests)}.{nameof(The_same_seed_gives_the_same_trace_and_another_seed_a_different_one)}");
        GenericScenario.Run(sim, Short);
        return (sim.Trace.Hash, sim.EventsRun, sim.Now);
    }
}
