using FluentAssertions;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

public sealed class HistoryRecorderTests
{
    [Fact]
    public void Recorder_keeps_calls_returns_and_open_operations()
    {
        var recorder = new HistoryRecorder();
        var put = recorder.Invoke(3, KvInput.Put("k07", "x 3 5 y"), 12_350);
        var get = recorder.Invoke(4, KvInput.Get("k07"), 12_400);
        recorder.Return(put, KvOutput.None, 12_900);

        var history = recorder.ToHistory();

        recorder.OpenCount.Should().Be(1);
        history.Operations.Should().Equal(
            new KvOperation(put.Value, 3, KvInput.Put("k07", "x 3 5 y"), KvOutput.None, 12_350, 12_900),
            new KvOperation(get.Value, 4, KvInput.Get("k07"), KvOutput.None, 12_400, ReturnTime: null));
        history.Operations[1].IsOpen.Should().BeTrue();
    }

    [Fact]
    public void Recorder_with_a_clock_reads_the_times_from_it()
    {
        var now = 100L;
        var recorder = new HistoryRecorder(() => now);
        var id = recorder.Invoke(1, KvInput.Get("x"));
        now = 250;
        recorder.Return(id, KvOutput.Read("v"));

        var op = recorder.ToHistory().Operations.Single();

        (op.CallTime, op.ReturnTime, op.Output.Value).Should().Be((100L, 250L, "v"));
    }

    [Fact]
    public void Recorder_without_a_clock_needs_explicit_times()
    {
        var act = () => new HistoryRecorder().Invoke(1, KvInput.Get("x"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*no clock*");
    }

    [Fact]
    public void Returning_twice_is_rejected()
    {
        var recorder = new HistoryRecorder();
        var id = recorder.Invoke(1, KvInput.Delete("x"), 0);
        recorder.Return(id, KvOutput.None, 5);

        var act = () => recorder.Return(id, KvOutput.None, 6);

        act.Should().Throw<InvalidOperationException>().WithMessage("*already returned*");
    }

    [Fact]
    public void Returning_before_the_call_is_rejected()
    {
        var recorder = new HistoryRecorder();
        var id = recorder.Invoke(1, KvInput.Get("x"), 10);

        var act = () => recorder.Return(id, KvOutput.NotFound, 9);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_write_that_returns_a_value_is_rejected()
    {
        var recorder = new HistoryRecorder();
        var id = recorder.Invoke(1, KvInput.Append("x", "a"), 0);

        var act = () => recorder.Return(id, KvOutput.Read("a"), 1);

        act.Should().Throw<ArgumentException>().WithMessage("*returns no value*");
    }

    [Fact]
    public void An_unknown_handle_is_rejected()
    {
        var act = () => new HistoryRecorder().Return(new OperationId(7), KvOutput.None, 1);

        act.Should().Throw<ArgumentException>().WithMessage("*not invoked*");
    }

    [Fact]
    public void History_rejects_two_operations_with_one_id()
    {
        var op = new KvOperation(1, 1, KvInput.Get("x"), KvOutput.NotFound, 0, 1);

        var act = () => new KvHistory([op, op with { CallTime = 5, ReturnTime = 6 }]);

        act.Should().Throw<ArgumentException>().WithMessage("*two operations have id 1*");
    }

    [Fact]
    public void History_partitions_by_key_in_ordinal_order()
    {
        var recorder = new HistoryRecorder();
        recorder.Invoke(1, KvInput.Get("b"), 0);
        recorder.Invoke(1, KvInput.Get("a"), 1);
        recorder.Invoke(2, KvInput.Get("b"), 2);

        var parts = recorder.ToHistory().PartitionByKey();

        parts.Select(p => (p.Key, p.Value.Count)).Should().Equal(("a", 1), ("b", 2));
    }
}
