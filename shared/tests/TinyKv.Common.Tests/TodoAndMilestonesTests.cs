using FluentAssertions;
using Microsoft.Extensions.Logging;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class TodoAndMilestonesTests
{
    [Fact]
    public void A_slot_names_its_milestone_and_hint()
    {
        var todo = Todo.Slot("2AB", "append entries");

        todo.Message.Should().Be("TODO(2AB): append entries");
        todo.Milestone.Should().Be("2AB");
        todo.Hint.Should().Be("append entries");
    }

    [Fact]
    public void A_slot_of_an_unknown_milestone_is_refused()
    {
        var act = () => Todo.Slot("2D", "nothing");

        act.Should().Throw<ArgumentException>().WithMessage("*'2D'*1, 2AA*");
    }

    [Fact]
    public void Milestones_come_in_course_order_with_their_symbols()
    {
        Milestones.All.Should().Equal("1", "2AA", "2AB", "2AC", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C");
        Milestones.Previous("1").Should().BeNull();
        Milestones.Previous("2B").Should().Be("2AC");
        Milestones.OrdinalOf("4C").Should().Be(11);
        Milestones.SymbolOf("3A").Should().Be("TINYKV_REF_3A");
        Milestones.IsKnown("2ab").Should().BeFalse();
    }

    [Theory]
    [InlineData("info", LogLevel.Information)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("fatal", LogLevel.Critical)]
    [InlineData("none", LogLevel.None)]
    public void Log_levels_parse_from_operator_names(string text, LogLevel level) =>
        TinyKvLogging.ParseLevel(text).Should().Be(level);

    [Fact]
    public void An_unknown_log_level_is_refused_with_the_choices()
    {
        var act = () => TinyKvLogging.ParseLevel("loud");

        act.Should().Throw<ArgumentException>().WithMessage("*'loud'*trace, debug, info*");
    }
}
