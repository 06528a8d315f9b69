using FluentAssertions;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using TinyKv.Grader.Reports;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>The grading run with a fake runner: what it selects, prints, writes and exits with.</summary>
public sealed class GradingSessionTests : IDisposable
{
    private readonly StringWriter _out = new();
    private readonly Dictionary<string, string> _files = [];

    public void Dispose() => _out.Dispose();

    [Fact]
    public void All_passing_exits_0_and_ends_with_the_summary_line()
    {
        var runner = new FakeRunner(m => SampleRuns.AllPassing(m.Id) with { Milestone = m });

        var exit = Session([SampleRuns.Spec("1")], runner).Run(Request());

        exit.Should().Be(0);
        LastLine().Should().Be("2 passed, 0 failed");
    }

    [Fact]
    public void One_failure_exits_1()
    {
        var runner = new FakeRunner(_ => SampleRuns.Stage1());

        var exit = Session([SampleRuns.Spec("1")], runner).Run(Request());

        exit.Should().Be(1);
        LastLine().Should().Be("1 passed, 4 failed");
    }

    [Fact]
    public void Nothing_to_run_exits_1()
    {
        var exit = Session([SampleRuns.Spec("1", available: false)], new FakeRunner(_ => throw new InvalidOperationException())).Run(Request());

        exit.Should().Be(1);
        LastLine().Should().Be("0 passed, 0 failed");
    }

    [Fact]
    public void An_unavailable_milestone_is_reported_and_skipped()
    {
        var runner = new FakeRunner(m => SampleRuns.AllPassing(m.Id) with { Milestone = m });

        var exit = Session([SampleRuns.Spec("1"), SampleRuns.Spec("2AA", available: false)], runner).Run(Request("1", "2AA"));

        exit.Should().Be(0);
        _out.ToString().Should().Contain("2AA: not available yet");
        runner.Ran.Should().Equal("1");
    }

    [Fact]
    public void An_unknown_milestone_is_a_usage_error()
    {
        var act = () => Session([SampleRuns.Spec("1")], new FakeRunner(_ => SampleRuns.Stage1())).Run(Request("9Z"));

        act.Should().Throw<UsageException>().WithMessage("*9Z*");
    }

    [Fact]
    public void A_failed_build_fails_every_selected_milestone_and_shows_the_errors()
    {
        var runner = new FakeRunner(_ => throw new InvalidOperationException("must not run")) { BuildSucceeds = false };

        var exit = Session([SampleRuns.Spec("1")], runner).Run(Request());

        exit.Should().Be(1);
        _out.ToString().Should().Contain("the build failed").And.Contain("error CS1002");
        LastLine().Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void The_results_file_is_written_in_the_chosen_format_to_its_default_name()
    {
        var runner = new FakeRunner(_ => SampleRuns.Stage1());

        Session([SampleRuns.Spec("1")], runner).Run(Request() with { Format = ReportFormat.Gradescope });

        _files.Should().ContainKey("results.json").WhoseValue.Should().Contain("\"max_score\"");
    }

    [Fact]
    public void The_edition_asked_for_reaches_the_build()
    {
        var runner = new FakeRunner(m => SampleRuns.AllPassing(m.Id) with { Milestone = m });
        var settings = new BuildSettings("Student", "2AC");

        Session([SampleRuns.Spec("1")], runner).Run(Request() with { Settings = settings });

        runner.Built.Should().Equal(settings);
        _out.ToString().Should().Contain("reference through 2AC");
    }

    private static GradeRequest Request(params string[] milestones) => new(milestones, BuildSettings.AsIs, ReportFormat.Table, null);

    private GradingSession Session(IReadOnlyList<MilestoneSpec> milestones, ITestRunner runner) =>
        new(milestones, runner, _out, new FixedTime(), new PlainProgress(TextWriter.Null), (path, text) => _files[path] = text);

    private string LastLine() => _out.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r');

    private sealed class FakeRunner(Func<MilestoneSpec, MilestoneRun> run) : ITestRunner
    {
        public bool BuildSucceeds { get; init; } = true;

        public List<BuildSettings> Built { get; } = [];

        public List<string> Ran { get; } = [];

        public BuildOutcome Build(IReadOnlyList<MilestoneSpec> milestones, BuildSettings settings)
        {
            Built.Add(settings);
            return new BuildOutcome(BuildSucceeds, BuildSucceeds ? "" : "Program.cs(3,1): error CS1002: ; expected", TimeSpan.FromSeconds(1));
        }

        public MilestoneRun Run(MilestoneSpec milestone, BuildSettings settings, IProgress<TestProgress>? progress = null)
        {
            Ran.Add(milestone.Id);
            return run(milestone);
        }
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => SampleRuns.Started;
    }
}
