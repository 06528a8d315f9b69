using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Seeds;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary><c>grader replay &lt;test&gt; --seed S</c> with a fake runner: what it runs, prints and exits with.</summary>
public sealed class ReplaySessionTests : IDisposable
{
    private readonly StringWriter _out = new();

    private readonly FakeRunner _runner = new(m => SampleRuns.AllPassing(m.Id) with { Milestone = m })
    {
        Simulated = new()
        {
            ["2B"] = ["ClusterTests.Partition_heals", "ClusterTests.Partition_heals_twice", "ClusterTests.Leader_is_elected"],
            ["4C"] = ["BankTests.Keeps_its_total"],
        },
        OutcomeUnder = (seed, _) => seed == 7 ? TestOutcome.Failed : TestOutcome.Passed,
    };

    public void Dispose() => _out.Dispose();

    [Fact]
    public void The_matching_test_runs_alone_with_the_seed_in_its_environment()
    {
        var exit = Replay("Leader_is_elected", 3);

        exit.Should().Be(0);
        _runner.Built.Should().ContainSingle();
        var run = _runner.SeededRuns.Should().ContainSingle().Subject;
        run.Filter.Should().Be("(Milestone=2B|Milestone=4C)&Simulated=true&DisplayName=Course.Tests.ClusterTests.Leader_is_elected");
        run.Seed.Should().Be("3");
        run.Tests.Should().Equal("ClusterTests.Leader_is_elected");
        _out.ToString().Should().Contain("replaying 2B ClusterTests.Leader_is_elected with TINYKV_SEED=3");
        LastLine().Should().Be("1 passed, 0 failed");
    }

    [Fact]
    public void A_failure_prints_the_tests_output_and_message_with_the_trace_tail_and_exits_1()
    {
        var exit = Replay("BankTests", 7);

        exit.Should().Be(1);
        _out.ToString().ReplaceLineEndings("\n").Should().Contain("output:\n  5 events")
            .And.Contain("BankTests.Keeps_its_total: failed")
            .And.Contain("  simulation failed at seed 7")
            .And.Contain("--- trace tail ---");
        LastLine().Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void An_exact_name_wins_over_the_longer_names_it_is_part_of()
    {
        Replay("clustertests.partition_heals", 1);

        _runner.SeededRuns.Single().Tests.Should().Equal("ClusterTests.Partition_heals");
    }

    [Fact]
    public void A_fully_qualified_name_matches()
    {
        Replay("Course.Tests.BankTests.Keeps_its_total", 1);

        _runner.SeededRuns.Single().Tests.Should().Equal("BankTests.Keeps_its_total");
    }

    [Fact]
    public void A_name_matching_several_tests_is_a_usage_error_listing_them()
    {
        var act = () => Replay("Partition", 1);

        act.Should().Throw<UsageException>()
            .WithMessage("'Partition' matches 2 simulated tests; name one of them:\n  Course.Tests.ClusterTests.Partition_heals\n  Course.Tests.ClusterTests.Partition_heals_twice");
        _runner.SeededRuns.Should().BeEmpty();
    }

    [Fact]
    public void A_name_matching_no_test_is_a_usage_error_listing_the_simulated_tests()
    {
        var act = () => Replay("Snapshot", 1);

        act.Should().Throw<UsageException>().WithMessage("no simulated test matches 'Snapshot'*ClusterTests.Leader_is_elected*BankTests.Keeps_its_total*");
    }

    [Fact]
    public void A_failed_build_runs_nothing_and_exits_1()
    {
        var runner = new FakeRunner(_ => throw new InvalidOperationException("must not run")) { BuildSucceeds = false };

        var exit = new ReplaySession([SampleRuns.Spec("2B")], runner, _out).Run(new ReplayRequest("x", 1, BuildSettings.AsIs));

        exit.Should().Be(1);
        runner.Listed.Should().BeEmpty();
        LastLine().Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void Only_available_milestones_are_searched()
    {
        IReadOnlyList<MilestoneSpec> milestones = [SampleRuns.Spec("2B", available: false), SampleRuns.Spec("4C")];

        new ReplaySession(milestones, _runner, _out).Run(new ReplayRequest("BankTests", 1, BuildSettings.AsIs));

        _runner.Listed.Single().Filter.Should().Be("Milestone=4C&Simulated=true");
    }

    private int Replay(string test, int seed) =>
        new ReplaySession([SampleRuns.Spec("2B"), SampleRuns.Spec("4C")], _runner, _out).Run(new ReplayRequest(test, seed, BuildSettings.AsIs));

    private string LastLine() => _out.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r');
}
