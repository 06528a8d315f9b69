using FluentAssertions;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.Simulation.Tests;

public sealed class SimulationSeedTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Unset_variable_means_no_seed(string? text) => SimulationSeed.Parse(text).Should().BeNull();

    [Theory]
    [InlineData("42", 42)]
    [InlineData(" 7 ", 7)]
    [InlineData("-3", -3)]
    [InlineData("9000000000", 9_000_000_000)]
    public void Integer_is_the_seed(string text, long seed) => SimulationSeed.Parse(text).Should().Be(seed);

    [Fact]
    public void Non_integer_is_rejected_naming_the_variable()
    {
        var act = () => SimulationSeed.Parse("forty-two");

        act.Should().Throw<ArgumentException>().WithMessage("*TINYKV_SEED*forty-two*");
    }

    [Fact]
    public void Fresh_seed_is_positive_and_fits_an_int()
    {
        var seed = SimulationSeed.Fresh();

        seed.Should().BeInRange(1, int.MaxValue);
    }
}
