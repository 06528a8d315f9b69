using FluentAssertions;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class MilestonesTests
{
    [Fact]
    public void All_lists_the_milestones_in_course_order() =>
        Milestones.All.Should().Equal("1", "2AA", "2AB", "2AC", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C");

    [Theory]
    [InlineData("1", 0)]
    [InlineData("2AA", 1)]
    [InlineData("2B", 4)]
    [InlineData("4C", 11)]
    public void OrdinalOf_is_the_position_in_course_order(string milestone, int ordinal) =>
        Milestones.OrdinalOf(milestone).Should().Be(ordinal);

    [Fact]
    public void OrdinalOf_an_unknown_milestone_is_refused()
    {
        var act = () => Milestones.OrdinalOf("5A");

        act.Should().Throw<ArgumentException>().WithMessage("*'5A'*");
    }

    [Theory]
    [InlineData("2AA", "1")]
    [InlineData("2B", "2AC")]
    [InlineData("3A", "2C")]
    [InlineData("4A", "3C")]
    public void Previous_is_the_milestone_just_before(string milestone, string previous) =>
        Milestones.Previous(milestone).Should().Be(previous);

    [Fact]
    public void The_first_milestone_has_no_previous() => Milestones.Previous("1").Should().BeNull();

    [Theory]
    [InlineData("1", "TINYKV_REF_1")]
    [InlineData("3A", "TINYKV_REF_3A")]
    public void SymbolOf_is_the_compilation_symbol(string milestone, string symbol) =>
        Milestones.SymbolOf(milestone).Should().Be(symbol);

    [Fact]
    public void SymbolOf_an_unknown_milestone_is_refused()
    {
        var act = () => Milestones.SymbolOf("2D");

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("2AC", true)]
    [InlineData("2ab", false)]
    [InlineData("2D", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsKnown_accepts_exactly_the_course_milestones(string? milestone, bool known) =>
        Milestones.IsKnown(milestone).Should().Be(known);
}
