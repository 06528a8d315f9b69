using FluentAssertions;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>How a violation is explained: the failing key, and the smallest window of operations no order explains.</summary>
public sealed class ViolationWindowTests
{
    /// <summary>
    /// Two writes run concurrently; reader 5 sees "1" then "2", reader 6 sees "2" then "1". Around
    /// them, operations that have nothing to do with the contradiction.
    /// </summary>
    private static (KvHistory History, OperationId[] Conflict) ReadsObservingWritesInOppositeOrders()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "0", 0, 5);
        h.Get(2, "x", "0", 6, 8);
        h.Put(7, "y", "1", 0, 10);
        var w1 = h.Put(3, "x", "1", 10, 110);
        var w2 = h.Put(4, "x", "2", 10, 110);
        var a1 = h.Get(5, "x", "1", 20, 30);
        var b1 = h.Get(6, "x", "2", 20, 30);
        h.Get(7, "y", "1", 20, 30);
        var a2 = h.Get(5, "x", "2", 40, 50);
        var b2 = h.Get(6, "x", "1", 40, 50);
        h.Put(1, "x", "3", 200, 210);
        h.Get(2, "x", "3", 220, 230);
        return (h.History, [w1, w2, a1, b1, a2, b2]);
    }

    [Fact]
    public void Reads_observing_two_writes_in_opposite_orders_are_illegal()
    {
        var (history, _) = ReadsObservingWritesInOppositeOrders();

        LinearizabilityChecker.Check(history).Result.Should().Be(CheckResult.Illegal);
    }

    [Fact]
    public void Window_holds_exactly_the_conflicting_operations()
    {
        var (history, conflict) = ReadsObservingWritesInOppositeOrders();

        var violation = LinearizabilityChecker.Check(history).Violation!;

        violation.Operations.Select(op => op.Id).Should().BeEquivalentTo(conflict.Select(id => id.Value));
        violation.Minimized.Should().BeTrue();
    }

    [Fact]
    public void Window_shows_the_operations_as_recorded_and_is_illegal_on_its_own()
    {
        var (history, _) = ReadsObservingWritesInOppositeOrders();

        var violation = LinearizabilityChecker.Check(history).Violation!;

        // The cut at 50µs left the writes pending; the report still shows their real return.
        violation.Operations.Where(op => op.Input.IsWrite).Should().OnlyContain(op => op.ReturnTime == 110);
        LinearizabilityChecker.Check(new KvHistory(violation.Operations)).Result.Should().Be(CheckResult.Illegal);
        violation.LinearizableBefore.Should().Be(50);
    }

    [Fact]
    public void Window_text_names_the_key_the_counts_and_each_operation()
    {
        var (history, _) = ReadsObservingWritesInOppositeOrders();

        var text = LinearizabilityChecker.Check(history).Violation!.ToString();

        text.Should().Contain("key \"x\": 10 operations on this key, 12 in the whole history");
        text.Should().Contain("""client 3  [0.010ms .. 0.110ms]  put(x, "1")""");
        text.Should().Contain("""client 5  [0.020ms .. 0.030ms]  get(x) -> "1" """.TrimEnd());
        text.Should().Contain("""client 6  [0.040ms .. 0.050ms]  get(x) -> "1" """.TrimEnd());
        text.Should().Contain("no order of these 6 operations explains what the gets returned");
        text.Should().NotContain("put(x, \"0\")").And.NotContain("(y)");
    }

    [Fact]
    public void Window_lines_are_sorted_by_call_time()
    {
        var h = new HistoryScript();
        h.Get(2, "x", "1", 40, 50);
        h.Put(1, "x", "1", 0, 10);
        h.Put(1, "x", "2", 20, 30);

        var lines = h.Check().Violation!.ToString().Split('\n').Where(line => line.StartsWith("  client", StringComparison.Ordinal)).ToList();

        lines.Should().HaveCount(3);
        lines[0].Should().Contain("put(x, \"1\")");
        lines[1].Should().Contain("put(x, \"2\")");
        lines[2].Should().Contain("get(x) -> \"1\"");
    }

    [Fact]
    public void Open_operations_are_shown_open()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, null);
        h.Get(2, "x", "1", 10, 20);
        h.Get(2, "x", null, 30, 40);

        var text = h.Check().Violation!.ToString();

        text.Should().Contain("""client 1  [0.000ms ..    open]  put(x, "1")""");
        text.Should().Contain("get(x) -> none");
    }

    [Fact]
    public void Read_of_a_value_never_written_is_explained_by_that_read_alone()
    {
        var h = new HistoryScript();
        h.Put(1, "x", "1", 0, 10);
        h.Append(2, "x", "2", 20, 30);
        var bad = h.Get(3, "x", "zzz", 40, 50);
        h.Get(3, "x", "12", 60, 70);

        var violation = h.Check().Violation!;

        violation.Operations.Should().ContainSingle().Which.Id.Should().Be(bad.Value);
    }

    [Fact]
    public void Violation_on_one_key_is_reported_with_that_key()
    {
        var h = new HistoryScript();
        h.Put(1, "a", "1", 0, 10);
        h.Get(2, "a", "1", 20, 30);
        h.Put(1, "b", "1", 0, 10);
        h.Put(1, "b", "2", 20, 30);
        h.Get(2, "b", "1", 40, 50);
        h.Put(1, "c", "1", 0, 10);
        h.Get(2, "c", "1", 20, 30);

        var report = h.Check();

        report.Result.Should().Be(CheckResult.Illegal);
        report.Violation!.Key.Should().Be("b");
        report.Violation.KeyOperationCount.Should().Be(3);
        report.Violation.HistoryOperationCount.Should().Be(7);
        report.Violation.Operations.Should().OnlyContain(op => op.Input.Key == "b");
        report.Keys.Should().Contain(new KeyCheck("a", 2, CheckResult.Ok)).And.Contain(new KeyCheck("b", 3, CheckResult.Illegal));
    }

    [Fact]
    public void Without_minimizing_the_whole_key_is_reported()
    {
        var (history, _) = ReadsObservingWritesInOppositeOrders();

        var violation = LinearizabilityChecker.Check(history, new LinearizabilityOptions { MinimizeViolation = false }).Violation!;

        violation.Operations.Should().HaveCount(10);
        violation.Minimized.Should().BeFalse();
    }

    [Fact]
    public void Assertion_throws_the_report_of_an_illegal_history()
    {
        var (history, _) = ReadsObservingWritesInOppositeOrders();

        var act = () => history.AssertLinearizable();

        var thrown = act.Should().Throw<LinearizabilityException>().Which;
        thrown.Result.Should().Be(CheckResult.Illegal);
        thrown.Message.Should().StartWith("the history is not linearizable").And.Contain("no order of these 6 operations");
        thrown.Report!.Violation!.Key.Should().Be("x");
    }
}
