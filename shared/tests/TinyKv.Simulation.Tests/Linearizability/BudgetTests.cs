using FluentAssertions;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>A check that runs out of budget says Unknown, and the assertion fails on it.</summary>
public sealed class BudgetTests
{
    /// <summary>
    /// <paramref name="writers"/> concurrent appends, then a read of all of them in the order
    /// given: call order is found at once, reverse order only after trying nearly every permutation.
    /// </summary>
    private static KvHistory ConcurrentAppends(int writers, bool reverse)
    {
        var h = new HistoryScript();
        for (var i = 0; i < writers; i++)
        {
            h.Append(i, "x", $"{i},", 0, 100);
        }

        var order = Enumerable.Range(0, writers);
        h.Get(writers, "x", string.Concat((reverse ? order.Reverse() : order).Select(i => $"{i},")), 200, 210);
        return h.History;
    }

    [Fact]
    public void Step_budget_exhausted_yields_unknown()
    {
        var report = LinearizabilityChecker.Check(ConcurrentAppends(12, reverse: true), LinearizabilityOptions.WithStepBudget(10));

        report.Result.Should().Be(CheckResult.Unknown);
        report.UndecidedKey.Should().Be("x");
        report.UnknownReason.Should().Contain("step budget of 10 steps");
        report.Steps.Should().Be(10);
    }

    [Fact]
    public void Time_limit_exhausted_yields_unknown()
    {
        var options = new LinearizabilityOptions { MaxSteps = null, TimeLimit = TimeSpan.FromMilliseconds(1) };

        var report = LinearizabilityChecker.Check(ConcurrentAppends(12, reverse: true), options);

        report.Result.Should().Be(CheckResult.Unknown);
        report.UnknownReason.Should().Contain("time limit");
    }

    [Fact]
    public void Assertion_throws_on_unknown()
    {
        var history = ConcurrentAppends(12, reverse: true);

        var act = () => LinearizabilityAssert.Check(history, LinearizabilityOptions.WithStepBudget(10));

        var thrown = act.Should().Throw<LinearizabilityException>().Which;
        thrown.Result.Should().Be(CheckResult.Unknown);
        thrown.Message.Should().Contain("inconclusive").And.Contain("key \"x\"");
    }

    [Fact]
    public void Easy_history_is_unknown_on_a_tiny_budget_and_ok_on_the_default()
    {
        var history = ConcurrentAppends(20, reverse: false);

        LinearizabilityChecker.Check(history, LinearizabilityOptions.WithStepBudget(10)).Result.Should().Be(CheckResult.Unknown);
        history.AssertLinearizable().Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Budget_is_shared_by_the_keys_of_one_check()
    {
        var h = new HistoryScript();
        for (var i = 0; i < 8; i++)
        {
            h.Put(1, "a", $"{i}", i * 10, (i * 10) + 5);
            h.Put(1, "b", $"{i}", i * 10, (i * 10) + 5);
        }

        // A sequential key takes one step per operation: 12 steps decide "a" (8) but not "b".
        var report = h.Check(LinearizabilityOptions.WithStepBudget(12));

        report.Result.Should().Be(CheckResult.Unknown);
        report.Keys.Should().Equal(new KeyCheck("a", 8, CheckResult.Ok), new KeyCheck("b", 8, CheckResult.Unknown));
        h.Check(LinearizabilityOptions.WithStepBudget(16)).Result.Should().Be(CheckResult.Ok);
    }

    [Fact]
    public void Nonsense_bounds_are_rejected()
    {
        var act = () => LinearizabilityChecker.Check(new KvHistory([]), new LinearizabilityOptions { MaxSteps = 0 });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxSteps");
    }
}
