using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.Simulation.Tests;

public sealed class EventTraceTests
{
    [Fact]
    public void Empty_trace_hashes_to_the_sha256_of_nothing()
    {
        using var trace = new EventTrace();

        trace.Hash.Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void Same_lines_give_the_same_hash_and_any_difference_changes_it()
    {
        using var a = new EventTrace();
        using var b = new EventTrace();
        using var c = new EventTrace();
        a.Record(1, "send", "x");
        a.Record(2, "deliver", "x");
        b.Record(1, "send", "x");
        b.Record(2, "deliver", "x");
        c.Record(1, "send", "x");
        c.Record(3, "deliver", "x");

        a.Hash.Should().Be(b.Hash);
        a.Hash.Should().NotBe(c.Hash);
        a.Count.Should().Be(2);
    }

    [Fact]
    public void Hash_follows_every_new_line()
    {
        using var trace = new EventTrace();
        trace.Record(1, "a", "b");
        var before = trace.Hash;

        trace.Record(1, "a", "b");

        trace.Hash.Should().NotBe(before);
    }

    [Fact]
    public void Tail_gives_the_last_lines_oldest_first()
    {
        using var trace = new EventTrace(retainedLines: 4);
        for (var i = 1; i <= 10; i++)
        {
            trace.Record(i, "tick", $"n{i}");
        }

        trace.Tail(3).Should().Equal(
            "           8 tick n8",
            "           9 tick n9",
            "          10 tick n10");
        trace.Tail(100).Should().HaveCount(4);
        trace.Count.Should().Be(10);
    }

    [Fact]
    public void Tail_of_a_short_trace_is_all_of_it()
    {
        using var trace = new EventTrace();
        trace.Record(5, "k", "only");

        trace.Tail(10).Should().Equal("           5 k only");
    }

    [Fact]
    public void Hash_is_the_sha256_of_every_line_and_its_newline_however_long_the_trace()
    {
        using var trace = new EventTrace(retainedLines: 50);
        var expected = new StringBuilder();
        var longText = new string('z', 200_000);
        for (var i = 0; i < 20_000; i++)
        {
            var time = i % 7 == 3 ? -i : (long)i * 1_000_003;
            var text = i switch
            {
                5_000 => longText,
                7_000 => "ünïcödé → ✓ 𝄞",
                _ => string.Create(CultureInfo.InvariantCulture, $"#{i} {i % 5}->{i % 3} some text"),
            };
            trace.Record(time, "kind" + (i % 4), text);
            expected.Append(CultureInfo.InvariantCulture, $"{time,12} kind{i % 4} {text}\n");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected.ToString())));
        trace.Hash.Should().Be(sha);
        trace.Count.Should().Be(20_000);
        trace.Tail(2).Should().Equal(
            string.Create(CultureInfo.InvariantCulture, $"{19_998L * 1_000_003,12} kind2 #19998 3->0 some text"),
            string.Create(CultureInfo.InvariantCulture, $"{19_999L * 1_000_003,12} kind3 #19999 4->1 some text"));
        trace.Tail(1_000).Should().HaveCount(50);
    }

    [Fact]
    public void Tail_reaches_back_across_the_retained_lines_only()
    {
        using var trace = new EventTrace(retainedLines: 3_000);
        for (var i = 0; i < 10_000; i++)
        {
            trace.Record(i, "k", string.Create(CultureInfo.InvariantCulture, $"line {i}"));
        }

        var tail = trace.Tail(5_000);

        tail.Should().HaveCount(3_000);
        tail[0].Should().Be("        7000 k line 7000");
        tail[^1].Should().Be("        9999 k line 9999");
    }
}
