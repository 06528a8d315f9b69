using FluentAssertions;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>Operations whose outcome is unknown (no return): a write may take effect after its call or never; a get says nothing.</summary>
public sealed class OpenOperationTests
{
    [Fact]
    public void Open_write_may_have_taken_effect()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, null);
        h.Get(2, "x", "1", 500, 510);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Open_write_may_never_take_effect()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, null);
        h.Get(2, "x", null, 500, 510);
        h.Get(2, "x", null, 1_000_000, 1_000_010);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Open_write_cannot_take_effect_before_its_call()
    {
        var h = new HistoryScript();
        h.Get(2, "x", "1", 0, 10);
        h.Put(1, "x", "1", 20, null);

        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void Open_write_takes_effect_at_most_once()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, null);
        h.Get(2, "x", "1", 10, 20);
        h.Put(2, "x", "2", 30, 40);
        h.Get(2, "x", "1", 50, 60);

        h.Check().Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void Open_get_is_ignored_whatever_it_carries()
    {
        var history = new KvHistory(
        [
            new KvOperation(0, 1, KvInput.Put("x", "1"), KvOutput.None, 0, 10),
            new KvOperation(1, 2, KvInput.Get("x"), KvOutput.Read("never written"), 20, ReturnTime: null),
            new KvOperation(2, 2, KvInput.Get("x"), KvOutput.Read("1"), 30, 40),
        ]);

        var report = LinearizabilityChecker.Check(history);

        report.Result.Should().Be(CheckResult.Ok);
        report.Keys.Should().ContainSingle().Which.OperationCount.Should().Be(3);
    }

    [Fact]
    public void Same_get_with_an_answer_is_checked()
    {
        var history = new KvHistory(
        [
            new KvOperation(0, 1, KvInput.Put("x", "1"), KvOutput.None, 0, 10),
            new KvOperation(1, 2, KvInput.Get("x"), KvOutput.Read("never written"), 20, 25),
            new KvOperation(2, 2, KvInput.Get("x"), KvOutput.Read("1"), 30, 40),
        ]);

        LinearizabilityChecker.Check(history).Result.Should().Be(CheckResult.Illegal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData(null)]
    public void Open_delete_may_or_may_not_have_taken_effect(string? read)
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Delete(1, "x", 20, null);
        h.Get(2, "x", read, 500, 510);

        h.Check().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Many_open_writes_nobody_read_do_not_slow_the_search()
    {
        // Forty timed-out puts whose values no get read, then a long sequential stretch ending in
        // a stale read. Each such put could take effect anywhere after its call; searched
        // naively, every one would double the configurations to explore.
        var h = new HistoryScript();
        for (var i = 0; i < 40; i++)
        {
            h.Put(100 + i, "x", $"lost {i}", i, null);
        }

        for (var i = 0; i < 200; i++)
        {
            h.Put(1, "x", $"v{i}", 1_000 + (i * 20), 1_005 + (i * 20));
            h.Get(2, "x", $"v{i}", 1_010 + (i * 20), 1_015 + (i * 20));
        }

        h.Get(2, "x", "v3", 10_000, 10_010);

        h.Check(LinearizabilityOptions.WithStepBudget(100_000)).Result.Should().Be(CheckResult.Illegal);
    }
}
