using FluentAssertions;
using Xunit;

namespace TinyKv.Common.Tests;

public sealed class QuoteTests
{
    [Fact]
    public void A_short_key_is_quoted_in_full_as_uppercase_hex() =>
        Quote.Hex("key"u8).Should().Be("6B6579");

    [Fact]
    public void A_long_key_is_quoted_by_its_first_bytes_and_its_length()
    {
        var key = Enumerable.Repeat((byte)0x6B, 70_000).ToArray();

        var quoted = Quote.Hex(key);

        quoted.Should().Be(string.Concat(Enumerable.Repeat("6B", Quote.MaxShown)) + "… (70000 bytes)");
    }

    [Fact]
    public void A_key_of_exactly_the_shown_length_is_quoted_in_full()
    {
        var key = new byte[Quote.MaxShown];

        Quote.Hex(key).Should().Be(new string('0', 2 * Quote.MaxShown));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x62 }, "'ab'")]
    [InlineData(new byte[] { 0x00, 0xFF }, "0x00ff")]
    [InlineData(new byte[0], "0x")]
    public void Readable_quotes_printable_text_as_text_and_anything_else_as_hex(byte[] bytes, string expected) =>
        Quote.Readable(bytes).Should().Be(expected);

    [Fact]
    public void Readable_bounds_long_text_too()
    {
        var text = Enumerable.Repeat((byte)'a', 1000).ToArray();

        Quote.Readable(text).Should().Be("'" + new string('a', Quote.MaxShown) + "'… (1000 bytes)");
    }

    [Fact]
    public void Client_text_is_bounded_in_characters()
    {
        Quote.Text("bogus").Should().Be("bogus");
        Quote.Text(new string('c', 200_000)).Should().Be(new string('c', Quote.MaxShown) + "… (200000 characters)");
        Quote.Text(null).Should().BeEmpty();
    }

    [Fact]
    public void A_capped_message_keeps_its_start_within_the_limit_and_says_how_long_it_was()
    {
        var message = new string('m', 10_000);

        var capped = Quote.Capped(message, 4096);

        capped.Length.Should().Be(4096);
        capped.Should().StartWith("mmm").And.EndWith("… (10000 characters)");
        Quote.Capped("short", 4096).Should().Be("short");
    }
}
