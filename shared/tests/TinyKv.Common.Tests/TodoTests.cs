using FluentAssertions;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class TodoTests
{
    [Fact]
    public void A_slot_message_names_the_milestone_and_the_hint() =>
        Todo.Slot("2AB", "hint").Message.Should().Be("TODO(2AB): hint");

    [Fact]
    public void A_slot_keeps_its_milestone_and_hint_apart()
    {
        var todo = Todo.Slot("4A", "build the MVCC transaction");

        todo.Milestone.Should().Be("4A");
        todo.Hint.Should().Be("build the MVCC transaction");
    }

    [Theory]
    [InlineData("2D")]
    [InlineData("2ab")]
    [InlineData("")]
    public void A_slot_of_an_unknown_milestone_is_refused_with_the_choices(string milestone)
    {
        var act = () => Todo.Slot(milestone, "nothing");

        act.Should().Throw<ArgumentException>().WithMessage($"*'{milestone}'*1, 2AA, 2AB*4C*");
    }
}
