using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;
using TinyKv.Grader.Seeds;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary><c>grader --seeds N</c> with a fake runner: which seeds run, what counts as flaky, what it prints and exits with.</summary>
public sealed class SeedSweepTests : IDisposable
{
    private readonly StringWriter _out = new();
    private readonly Dictionary<string, string> _files = [];

    public void Dispose() => _out.Dispose();

    [Fact]
    public void Every_seed_runs_once_over_every_selected_milestone_with_the_simulated_filter()
    {
        var runner = Runner();

        Sweep(runner, Request([1, 2, 3]));

        runner.Built.Should().ContainSingle("the build happens once, before the first seed");
        runner.Listed.Should().ContainSingle().Which.Filter.Should().Be("(Milestone=2B|Milestone=4C)&Simulated=true");
        runner.SeededRuns.Select(r => r.Seed).Should().Equal("1", "2", "3");
        runner.SeededRuns.Should().OnlyContain(r => r.Filter == "(Milestone=2B|Milestone=4C)&Simulated=true" && r.Tests.Count == 3);
    }

    [Fact]
    public void All_passing_under_every_seed_exits_0_and_counts_each_test_once()
    {
        var exit = Sweep(Runner(), Request([1, 2, 3]));

        exit.Should().Be(0);
        LastLine().Should().Be("3 passed, 0 failed");
        _out.ToString().Should().Contain("seed 2 (2 of 3): running").And.Contain("seed 3: 3/3 passed");
    }

    [Fact]
    public void A_test_failing_under_some_seeds_is_flaky_and_shows_its_first_failing_seed()
    {
        var runner = Runner(outcome: (seed, name) => name == "ClusterTests.Partition_heals" && seed >= 3 ? TestOutcome.Failed : TestOutcome.Passed);

        var exit = Sweep(runner, Request([1, 2, 3, 4]));

        exit.Should().Be(1);
        Row("ClusterTests.Partition_heals").Should().Equal("2B", "ClusterTests.Partition_heals", "4", "2", "2", "50%", "flaky", "(fails", "with", "seed", "3)");
        _out.ToString().Should().Contain("ClusterTests.Partition_heals failed with seed 3: simulation failed at seed 3")
            .And.Contain("replay: grader replay ClusterTests.Partition_heals --seed 3");
        LastLine().Should().Be("2 passed, 1 failed");
    }

    [Fact]
    public void A_test_failing_under_every_seed_fails()
    {
        var runner = Runner(outcome: (_, name) => name == "BankTests.Keeps_its_total" ? TestOutcome.Failed : TestOutcome.Passed);

        var exit = Sweep(runner, Request([5, 6]));

        exit.Should().Be(1);
        Row("BankTests.Keeps_its_total").Should().Equal("4C", "BankTests.Keeps_its_total", "2", "0", "2", "0%", "fail");
        LastLine().Should().Be("2 passed, 1 failed");
    }

    [Fact]
    public void A_test_with_no_result_under_a_seed_counts_as_failed_under_it()
    {
        var runner = new NoResultUnderSeed(2, Runner());

        var exit = Sweep(runner, Request([1, 2]));

        exit.Should().Be(1);
        _out.ToString().Should().Contain("failed with seed 2: no result");
        LastLine().Should().Be("0 passed, 3 failed");
    }

    [Fact]
    public void No_simulated_test_is_reported_and_exits_1()
    {
        var runner = Runner(simulated: []);

        var exit = Sweep(runner, Request([1, 2]));

        exit.Should().Be(1);
        runner.SeededRuns.Should().BeEmpty();
        _out.ToString().Should().Contain("no test of 2B, 4C is simulated");
        LastLine().Should().Be("0 passed, 0 failed");
    }

    [Fact]
    public void A_failed_build_runs_no_seed_and_exits_1()
    {
        var runner = new FakeRunner(_ => throw new InvalidOperationException("must not run")) { BuildSucceeds = false };

        var exit = Sweep(runner, Request([1]));

        exit.Should().Be(1);
        runner.SeededRuns.Should().BeEmpty();
        _out.ToString().Should().Contain("error CS1002");
        LastLine().Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void Only_the_milestones_asked_for_are_listed_and_unavailable_ones_are_reported()
    {
        var runner = Runner();
        IReadOnlyList<MilestoneSpec> milestones = [SampleRuns.Spec("2B"), SampleRuns.Spec("4C"), SampleRuns.Spec("3B", available: false)];

        new SeedSweep(milestones, runner, _out, new FixedTime(SampleRuns.Started), (p, t) => _files[p] = t)
            .Run(Request([1]) with { Milestones = ["4C", "3B"] });

        runner.Listed.Single().Filter.Should().Be("Milestone=4C&Simulated=true");
        _out.ToString().Should().Contain("3B: not available yet");
    }

    [Fact]
    public void An_unknown_milestone_is_a_usage_error()
    {
        var act = () => Sweep(Runner(), Request([1]) with { Milestones = ["9Z"] });

        act.Should().Throw<UsageException>().WithMessage("*9Z*");
    }

    [Theory]
    [InlineData(ReportFormat.Gradescope)]
    [InlineData(ReportFormat.Junit)]
    public void Formats_other_than_table_and_json_are_usage_errors(ReportFormat format)
    {
        var runner = Runner();
        var act = () => Sweep(runner, Request([1]) with { Format = format });

        act.Should().Throw<UsageException>().WithMessage("*table or as json*");
        runner.Built.Should().BeEmpty();
    }

    [Fact]
    public void Json_is_written_with_every_failing_seed()
    {
        var runner = Runner(outcome: (seed, name) => name == "ClusterTests.Partition_heals" && seed % 2 == 0 ? TestOutcome.Failed : TestOutcome.Passed);

        Sweep(runner, Request([1, 2, 3, 4]) with { Format = ReportFormat.Json });

        _files.Should().ContainKey("grader-results.json").WhoseValue.Should()
            .Contain("\"verdict\": \"flaky\"").And.Contain("\"firstFailingSeed\": 2").And.Contain("\"seed\": 4");
        LastLine().Should().Be("2 passed, 1 failed");
    }

    [Fact]
    public void Seed_sequence_runs_from_the_base_one_by_one()
    {
        SeedSequence.Of(3).Should().Equal(1, 2, 3);
        SeedSequence.Of(4, first: 100).Should().Equal(100, 101, 102, 103);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-2, 1)]
    [InlineData(3, 0)]
    [InlineData(2, int.MaxValue)]
    public void Seed_sequences_outside_the_seeds_a_test_can_read_are_usage_errors(int count, int first)
    {
        var act = () => SeedSequence.Of(count, first);

        act.Should().Throw<UsageException>();
    }

    private static FakeRunner Runner(Dictionary<string, string[]>? simulated = null, Func<int, string, TestOutcome>? outcome = null) =>
        new(m => SampleRuns.AllPassing(m.Id) with { Milestone = m })
        {
            Simulated = simulated ?? new()
            {
                ["2B"] = ["ClusterTests.Partition_heals", "ClusterTests.Leader_is_elected"],
                ["4C"] = ["BankTests.Keeps_its_total"],
            },
            OutcomeUnder = outcome ?? ((_, _) => TestOutcome.Passed),
        };

    private static SeedRequest Request(int[] seeds) => new([], seeds, BuildSettings.AsIs, ReportFormat.Table, null);

    private int Sweep(ITestRunner runner, SeedRequest request) =>
        new SeedSweep([SampleRuns.Spec("2B"), SampleRuns.Spec("4C")], runner, _out, new FixedTime(SampleRuns.Started), (path, text) => _files[path] = text)
            .Run(request);

    private string[] Row(string test) =>
        _out.ToString().ReplaceLineEndings("\n").Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(cells => cells.Length > 1 && cells[1] == test);

    private string LastLine() => _out.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r');

    /// <summary>A runner whose run under one seed reports no result at all (as after a watchdog kill).</summary>
    private sealed class NoResultUnderSeed(int seed, FakeRunner inner) : ITestRunner
    {
        public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings) => inner.Build(milestones, settings);

        public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null) => inner.Run(milestone, settings, progress);

        public TestListing List(TestSelection selection, BuildSettings settings) => inner.List(selection, settings);

        public SelectionRun Run(TestListing listing, IReadOnlyDictionary<string, string> environment, IProgress<TestProgress>? progress = null, Func<TestResult, bool>? stopAt = null) =>
            environment["TINYKV_SEED"] == seed.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? new SelectionRun([], ["the test run passed its overall limit and was stopped"], TimeSpan.Zero)
                : inner.Run(listing, environment, progress, stopAt);
    }
}
