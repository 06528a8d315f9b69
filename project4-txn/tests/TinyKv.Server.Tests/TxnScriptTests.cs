using FluentAssertions;
using TinyKv.Ctl;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>The script language of <c>tinykv-ctl txn</c>.</summary>
public sealed class TxnScriptTests
{
    [Fact]
    public void Statements_are_separated_by_semicolons_or_new_lines()
    {
        var script = TxnScript.Parse("set k1 v1; put k2 v2\ndel k3;commit\n\nget k1; scan a 5; scan b; rollback", hex: false);

        script.Select(s => s.Verb).Should().Equal(
            TxnVerb.Set, TxnVerb.Set, TxnVerb.Delete, TxnVerb.Commit, TxnVerb.Get, TxnVerb.Scan, TxnVerb.Scan, TxnVerb.Rollback);
        script.Select(s => s.Number).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        script[5].Limit.Should().Be(5);
        script[6].Limit.Should().Be(100);
    }

    [Fact]
    public void Quotes_hold_spaces_semicolons_and_escaped_quotes()
    {
        var script = TxnScript.Parse("set \"my key\" \"a; \\\"b\\\" \\\\ c\"; commit", hex: false);

        script[0].Key.Should().Equal("my key"u8.ToArray());
        script[0].Value.Should().Equal("a; \"b\" \\ c"u8.ToArray());
        script[0].Text.Should().Be("set \"my key\" \"a; \\\"b\\\" \\\\ c\"");
    }

    [Fact]
    public void A_hash_starts_a_comment_to_the_end_of_the_line()
    {
        var script = TxnScript.Parse("# move 10 from a to b\nset a 90 # was 100\nset b 110\ncommit", hex: false);

        script.Should().HaveCount(3);
        script[0].Value.Should().Equal("90"u8.ToArray());
    }

    [Fact]
    public void With_hex_keys_and_values_are_hexadecimal()
    {
        var script = TxnScript.Parse("set 0x6b31 ff00; commit", hex: true);

        script[0].Key.Should().Equal("k1"u8.ToArray());
        script[0].Value.Should().Equal(new byte[] { 0xff, 0x00 });
    }

    [Theory]
    [InlineData("", "the script is empty")]
    [InlineData(" ; ;\n", "the script is empty")]
    [InlineData("get k1; frob k2", "statement 2 (frob k2): unknown command 'frob'")]
    [InlineData("get", "statement 1 (get): expected 'get KEY'")]
    [InlineData("set k1; commit", "statement 1 (set k1): expected 'set KEY VALUE'")]
    [InlineData("commit now", "statement 1 (commit now): expected 'commit'")]
    [InlineData("scan a zero", "statement 1 (scan a zero): the scan limit must be a positive whole number, not 'zero'")]
    [InlineData("scan a 0", "statement 1 (scan a 0): the scan limit must be a positive whole number")]
    [InlineData("get \"\"", "statement 1 (get \"\"): a key must not be empty")]
    [InlineData("set k \"v", "a quote opened at character 7 is never closed")]
    [InlineData("set k1 v1; commit; get k1; set k2 v2", "statement 4 (set k2 v2) writes, but no commit follows it")]
    public void A_malformed_script_is_refused_with_the_statement_named(string text, string message)
    {
        var act = () => TxnScript.Parse(text, hex: false);

        act.Should().Throw<FormatException>().WithMessage(message + "*");
    }

    [Fact]
    public void Bad_hex_names_the_statement()
    {
        var act = () => TxnScript.Parse("get zz", hex: true);

        act.Should().Throw<FormatException>().WithMessage("statement 1 (get zz): 'zz' is not hexadecimal*");
    }
}
