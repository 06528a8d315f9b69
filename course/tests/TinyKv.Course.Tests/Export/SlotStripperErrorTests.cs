using System.Globalization;
using FluentAssertions;
using TinyKv.Course.Export;
using Xunit;

namespace TinyKv.Course.Tests.Export;

/// <summary>
/// Malformed slot blocks in <c>Inputs/Errors/</c>: each is refused with the file, the line to
/// fix and a message that says what is wrong.
/// </summary>
public sealed class SlotStripperErrorTests
{
    [Fact]
    public void Unknown_milestone_is_refused_and_the_milestones_are_listed()
    {
        var error = SingleError("unknown-milestone.cs.txt");

        error.ToString().Should().StartWith("Errors/unknown-milestone.cs.txt:7: unknown milestone '2D'");
        error.Message.Should().Contain("1, 2AA, 2AB, 2AC, 2B, 2C, 3A, 3B, 3C, 4A, 4B, 4C");
    }

    [Fact]
    public void Nested_if_inside_a_slot_block_is_refused()
    {
        var error = SingleError("nested-if.cs.txt");

        error.ToString().Should().StartWith("Errors/nested-if.cs.txt:9: '#if DEBUG' is nested inside the slot block");
        error.Message.Should().Contain("opened at line 7").And.Contain("nesting is forbidden");
    }

    [Fact]
    public void Elif_inside_a_slot_block_is_refused()
    {
        var error = SingleError("elif.cs.txt");

        error.ToString().Should().StartWith("Errors/elif.cs.txt:9: #elif inside the slot block");
        error.Message.Should().Contain("opened at line 7");
    }

    [Fact]
    public void Unterminated_slot_block_is_reported_at_its_opening_line()
    {
        var error = SingleError("unterminated.cs.txt");

        error.ToString().Should().Be(
            "Errors/unterminated.cs.txt:7: the slot block '#if TINYKV_REF_2AC' opened here has no #endif before the end of the file");
    }

    [Fact]
    public void Stray_endif_is_reported()
    {
        var error = SingleError("stray-endif.cs.txt");

        error.ToString().Should().Be("Errors/stray-endif.cs.txt:8: #endif with no open #if");
    }

    [Fact]
    public void Stray_else_is_reported()
    {
        var error = SingleError("stray-else.cs.txt");

        error.ToString().Should().Be("Errors/stray-else.cs.txt:8: #else with no open #if");
    }

    [Fact]
    public void Todo_slot_naming_another_milestone_than_its_block_is_refused()
    {
        var error = SingleError("mismatched-slot.cs.txt");

        error.ToString().Should().StartWith("Errors/mismatched-slot.cs.txt:10: Todo.Slot names milestone '2AA'");
        error.Message.Should().Contain("(line 7) is milestone '2AB'");
    }

    [Fact]
    public void Slot_block_inside_an_ordinary_conditional_is_refused()
    {
        var error = SingleError("slot-inside-debug.cs.txt");

        error.ToString().Should().StartWith(
            "Errors/slot-inside-debug.cs.txt:8: slot block opens inside the ordinary conditional '#if DEBUG' at line 5");
    }

    [Fact]
    public void Condition_combining_a_milestone_symbol_with_others_is_refused()
    {
        var error = SingleError("combined-condition.cs.txt");

        error.ToString().Should().StartWith(
            "Errors/combined-condition.cs.txt:7: '#if TINYKV_REF_4A && !DEBUG' combines a milestone symbol with other conditions");
    }

    [Theory]
    [InlineData("!{0}2AA")]
    [InlineData("{0}2AA || {0}2AB")]
    [InlineData("{0}2AA && TRACE")]
    [InlineData("({0}2AA)")]
    public void Every_operator_or_extra_symbol_in_a_slot_condition_is_refused(string conditionFormat)
    {
        var condition = string.Format(CultureInfo.InvariantCulture, conditionFormat, SlotStripper.SymbolPrefix);
        var text = $"class C\n{{\n#if {condition}\n#endif\n}}\n";

        var result = SlotStripper.Strip("C.cs", text);

        result.Errors.Should().ContainSingle()
            .Which.ToString().Should().StartWith($"C.cs:3: '#if {condition}' combines a milestone symbol with other conditions");
    }

    [Fact]
    public void Symbol_without_a_milestone_is_an_unknown_milestone()
    {
        var text = $"class C\n{{\n#if {SlotStripper.SymbolPrefix}\n#endif\n}}\n";

        var result = SlotStripper.Strip("C.cs", text);

        result.Errors.Should().ContainSingle()
            .Which.ToString().Should().StartWith("C.cs:3: unknown milestone ''");
    }

    [Fact]
    public void Slot_opener_followed_by_a_comment_is_refused()
    {
        var error = SingleError("opener-with-comment.cs.txt");

        error.ToString().Should().StartWith(
            "Errors/opener-with-comment.cs.txt:7: a slot block opens with a line that reads exactly '#if TINYKV_REF_3A'");
    }

    [Fact]
    public void Defining_a_milestone_symbol_by_hand_is_refused()
    {
        var error = SingleError("define.cs.txt");

        error.ToString().Should().StartWith("Errors/define.cs.txt:1: '#define TINYKV_REF_4B' sets a milestone symbol by hand");
    }

    [Fact]
    public void Undefining_a_milestone_symbol_by_hand_is_refused()
    {
        var error = SingleError("undef.cs.txt");

        error.ToString().Should().StartWith("Errors/undef.cs.txt:1: '#undef TINYKV_REF_2C' sets a milestone symbol by hand");
    }

    [Fact]
    public void Second_else_in_a_slot_block_is_refused()
    {
        var error = SingleError("second-else.cs.txt");

        error.ToString().Should().Be(
            "Errors/second-else.cs.txt:11: second #else in the slot block '#if TINYKV_REF_4C' opened at line 7 (the first is at line 9)");
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_in_line_order()
    {
        var result = SlotStripper.Strip("Errors/several-errors.cs.txt", InputFiles.Read("Errors/several-errors.cs.txt"));

        result.Errors.Select(e => e.Line).Should().Equal(7, 17, 20);
        result.Text.Should().BeNull();
    }

    private static ExportError SingleError(string input)
    {
        var name = "Errors/" + input;
        var result = SlotStripper.Strip(name, InputFiles.Read(name));
        return result.Errors.Should().ContainSingle().Subject;
    }
}
