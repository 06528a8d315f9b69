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
}
