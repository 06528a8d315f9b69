using FluentAssertions;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>What the per-key register accepts: put, append, delete and get, alone and concurrent.</summary>
public sealed class RegisterSemanticsTests
{
    [Fact]
    public void Sequential_history_that_follows_the_register_is_ok()
    {
        var h = new HistoryScript();
        h.Get(1, "x", null, 0, 10);
        h.Put(1, "x", "a", 20, 30);
        h.Get(2, "x", "a", 40, 50);
        h.Append(2, "x", "b", 60, 70);
        h.Get(1, "x", "ab", 80, 90);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Sequential_read_of_a_value_never_written_is_illegal()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "a", 0, 10);
        h.Get(2, "x", "b", 20, 30);

        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void Read_of_an_untouched_key_finds_nothing()
    {
        var h = new HistoryScript();
        h.Get(1, "x", null, 0, 10);
        h.Get(1, "x", "", 20, 30);

        // An absent key is not the empty string: the second read is illegal.
        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void Get_overlapping_a_put_may_read_before_or_after_it(string? read)
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 100);
        h.Get(2, "x", read, 10, 20);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Stale_read_after_a_completed_write_is_illegal()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Put(1, "x", "2", 20, 30);
        h.Get(2, "x", "1", 40, 50);

        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void Return_and_call_at_the_same_instant_are_concurrent()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Get(2, "x", null, 10, 20);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Return_strictly_before_a_call_orders_the_two()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Get(2, "x", null, 11, 20);

        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void Delete_then_get_reads_none()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Delete(1, "x", 20, 30);
        h.Get(2, "x", null, 40, 50);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Get_after_a_completed_delete_cannot_read_the_old_value()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Delete(1, "x", 20, 30);
        h.Get(2, "x", "1", 40, 50);

        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Theory]
    [InlineData("ab", CheckResult.Ok)]
    [InlineData("ba", CheckResult.Illegal)]
    [InlineData("b", CheckResult.Illegal)]
    public void Sequential_appends_concatenate_in_their_order(string read, CheckResult expected)
    {
        var h = new HistoryScript();
        h.Append(1, "x", "a", 0, 10);
        h.Append(2, "x", "b", 20, 30);
        h.Get(3, "x", read, 40, 50);

        h.Check().Result.Should().Be(expected);
    }

    [Theory]
    [InlineData("ab", CheckResult.Ok)]
    [InlineData("ba", CheckResult.Ok)]
    [InlineData("aa", CheckResult.Illegal)]
    public void Concurrent_appends_concatenate_in_either_order_but_once_each(string read, CheckResult expected)
    {
        var h = new HistoryScript();
        h.Append(1, "x", "a", 0, 30);
        h.Append(2, "x", "b", 0, 30);
        h.Get(3, "x", read, 40, 50);

        h.Check().Result.Should().Be(expected);
    }

    [Fact]
    public void Append_after_a_delete_starts_from_the_empty_string()
    {
        var h = new HistoryScript();
        h.Append(1, "x", "a", 0, 10);
        h.Delete(1, "x", 20, 30);
        h.Append(1, "x", "b", 40, 50);
        h.Get(2, "x", "b", 60, 70);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Keys_are_independent_registers()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Put(1, "y", "2", 20, 30);
        h.Get(2, "x", "1", 40, 50);
        h.Get(2, "y", "2", 40, 50);

        var report = h.Check();

        report.Result.Should().Be(CheckResult.Ok);
        report.Keys.Should().Equal(new KeyCheck("x", 2, CheckResult.Ok), new KeyCheck("y", 2, CheckResult.Ok));
    }
}
