using System.Text;
using FluentAssertions;
using TinyKv.Runtime;
using Xunit;

namespace TinyKv.Simulation.Tests;

public sealed class RandomStreamsTests
{
    // Computed once and written down: the same in every process and on every machine.
    private const int ExpectedElectionSeed = -1378749010;
    private const int ExpectedFilterSeed = -1131449479;
    private static readonly int[] ExpectedElectionValues = [995249641, 719812711, 1376276962];

    private static int[] First(Random random, int count = 5) =>
        Enumerable.Range(0, count).Select(_ => random.Next()).ToArray();

    [Fact]
    public void Same_seed_subsystem_and_node_give_the_same_sequence()
    {
        var a = new RandomStreams(123).Stream("election", 3);
        var b = new RandomStreams(123).Stream("election", 3);

        First(a, 100).Should().Equal(First(b, 100));
    }

    [Fact]
    public void Stream_seeds_are_fixed_across_processes()
    {
        // Hard-coded: a hash randomized per process (string.GetHashCode) would change these.
        RandomStreams.StreamSeed(1, "election", 1).Should().Be(ExpectedElectionSeed);
        RandomStreams.StreamSeed(20261124, "net.filter", 7).Should().Be(ExpectedFilterSeed);
        First(new RandomStreams(1).Stream("election", 1), 3).Should().Equal(ExpectedElectionValues);
    }

    [Fact]
    public void Stable_hash_is_fnv1a()
    {
        RandomStreams.StableHash([]).Should().Be(0xCBF29CE484222325UL);
        RandomStreams.StableHash(Encoding.UTF8.GetBytes("a")).Should().Be(0xAF63DC4C8601EC8CUL);
        RandomStreams.StableHash(Encoding.UTF8.GetBytes("foobar")).Should().Be(0x85944171F73967E8UL);
    }

    [Fact]
    public void Different_subsystems_get_different_streams()
    {
        var streams = new RandomStreams(123);

        First(streams.Stream("election", 3)).Should().NotEqual(First(streams.Stream("network", 3)));
    }

    [Fact]
    public void Different_nodes_get_different_streams()
    {
        var seeds = Enumerable.Range(1, 100).Select(id => RandomStreams.StreamSeed(123, "election", (ulong)id));

        seeds.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Different_seeds_get_different_streams()
    {
        First(new RandomStreams(1).Stream("election", 3)).Should().NotEqual(First(new RandomStreams(2).Stream("election", 3)));
    }

    [Fact]
    public void Empty_subsystem_is_rejected()
    {
        var act = () => new RandomStreams(1).Stream("", 1);

        act.Should().Throw<ArgumentException>();
    }
}
