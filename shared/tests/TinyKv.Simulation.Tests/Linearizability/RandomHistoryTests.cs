using FluentAssertions;
using TinyKv.TestKit;
using TinyKv.TestKit.Linearizability;
using Xunit;

namespace TinyKv.Simulation.Tests.Linearizability;

/// <summary>Histories the size of a cluster test: a correct one passes within the default budget, a corrupted one fails.</summary>
public sealed class RandomHistoryTests
{
    private static KvHistory Realistic() =>
        RandomRegisterHistory.Generate(TestSeed.Value, clients: 20, keys: 8, operations: 5_000, openFraction: 0.03);

    [Fact]
    public void Large_random_linearizable_history_passes()
    {
        var history = Realistic();

        var report = history.AssertLinearizable();

        report.Keys.Should().HaveCount(8).And.OnlyContain(k => k.Result == CheckResult.Ok);
        report.OperationCount.Should().Be(5_000);
    }

    [Fact]
    public void Same_history_with_one_read_of_a_value_never_written_is_illegal()
    {
        var history = Realistic();
        var target = history.Operations.Where(op => op.Input.Kind == KvOpKind.Get && !op.IsOpen).ElementAt(1_000);
        var corrupted = new KvHistory(history.Operations.Select(op => op.Id == target.Id ? op with { Output = KvOutput.Read("never written") } : op));

        var report = LinearizabilityChecker.Check(corrupted);

        report.Result.Should().Be(CheckResult.Illegal);
        report.Violation!.Key.Should().Be(target.Input.Key);
        report.Violation.Operations.Should().ContainSingle().Which.Id.Should().Be(target.Id);
    }

    [Fact]
    public void Same_history_with_one_lost_write_is_illegal()
    {
        var history = Realistic();

        // The first completed append whose value a later completed get reads: drop it, and that read is unexplained.
        var lost = history.Operations.First(w => w.Input.Kind == KvOpKind.Append && !w.IsOpen && history.Operations.Any(g =>
            g.Input.Kind == KvOpKind.Get && !g.IsOpen && g.Input.Key == w.Input.Key && g.Output.Value?.Contains(w.Input.Value!, StringComparison.Ordinal) == true));
        var corrupted = new KvHistory(history.Operations.Where(op => op.Id != lost.Id));

        var report = LinearizabilityChecker.Check(corrupted);

        report.Result.Should().Be(CheckResult.Illegal);
        report.Violation!.Key.Should().Be(lost.Input.Key);
        report.Violation.Operations.Should().Contain(op => op.Input.Kind == KvOpKind.Get && op.Output.Value!.Contains(lost.Input.Value!, StringComparison.Ordinal));
    }
}
