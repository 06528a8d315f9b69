using FluentAssertions;
using Snapshooter.Xunit;
using TinyKv.Course.Export;
using Xunit;

namespace TinyKv.Course.Tests.Export;

/// <summary>
/// Each input in <c>Inputs/</c> is stripped and compared with its golden file in
/// <c>__snapshots__/</c>: read the two side by side to see what a student receives.
/// </summary>
public sealed class SlotStripperGoldenTests
{
    [Fact]
    public void Method_slot_keeps_only_its_stub() =>
        Snapshot.Match(Strip("method-slot.cs.txt"));

    [Fact]
    public void Member_block_without_else_disappears() =>
        Snapshot.Match(Strip("member-block.cs.txt"));

    [Fact]
    public void Several_blocks_in_one_file_are_all_stripped() =>
        Snapshot.Match(Strip("several-blocks.cs.txt"));

    [Fact]
    public void Ordinary_debug_conditionals_are_left_alone() =>
        Snapshot.Match(Strip("debug-conditional.cs.txt"));

    [Fact]
    public void Stub_lines_keep_their_indentation() =>
        Snapshot.Match(Strip("indentation.cs.txt"));

    [Fact]
    public void Crlf_file_keeps_crlf_line_endings()
    {
        var crlf = InputFiles.Read("several-blocks.cs.txt").ReplaceLineEndings("\r\n");

        var stripped = SlotStripper.Strip("several-blocks.cs.txt", crlf).Text!;

        stripped.Replace("\r\n", "", StringComparison.Ordinal).Should().NotContain("\n");
        Snapshot.Match(stripped.Replace("\r\n", "\\r\\n\n", StringComparison.Ordinal));
    }

    [Fact]
    public void File_without_blocks_comes_back_identical()
    {
        var text = InputFiles.Read("no-blocks.cs.txt");

        var result = SlotStripper.Strip("no-blocks.cs.txt", text);

        result.Text.Should().BeSameAs(text);
        result.Changed.Should().BeFalse();
    }

    [Fact]
    public void Removed_blocks_are_counted_per_milestone()
    {
        var text = InputFiles.Read("several-blocks.cs.txt");

        var result = SlotStripper.Strip("several-blocks.cs.txt", text);

        result.BlocksRemoved.Should().BeEquivalentTo(new Dictionary<string, int> { ["2AA"] = 2, ["2AB"] = 2 });
    }

    private static string Strip(string input)
    {
        var result = SlotStripper.Strip(input, InputFiles.Read(input));
        result.Errors.Should().BeEmpty();
        return result.Text!;
    }
}
