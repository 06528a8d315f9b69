using FluentAssertions;
using TinyKv.Course.Running;
using TinyKv.Grader.Seeds;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>The names the grader and the test kit must agree on, though the grader does not reference the kit.</summary>
public sealed class SeedContractTests
{
    [Fact]
    public void The_seed_variable_is_the_one_the_test_kit_reads() =>
        SeedSweep.SeedVariable.Should().Be(TestSeed.Variable);

    [Fact]
    public void The_simulated_trait_is_the_one_the_test_kit_gives() =>
        (TestTrait.Simulated.Name, TestTrait.Simulated.Value).Should().Be((SimulatedDiscoverer.TraitName, SimulatedDiscoverer.TraitValue));
}
