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
        _out.ToString().Should().Contain("the build failed:").And.Contain("error CS1002");
        LastLine().Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void A_failed_build_counts_against_every_selected_milestone_and_shows_each_error_once()
    {
        var runner = new FakeRunner(_ => throw new InvalidOperationException("must not run")) { BuildSucceeds = false };

        var exit = Session([SampleRuns.Spec("1"), SampleRuns.Spec("2AA")], runner).Run(Request());

        exit.Should().Be(1);
        runner.Ran.Should().BeEmpty();
        LastLine().Should().Be("0 passed, 2 failed");
        CountOf(FakeRunner.BuildErrorLine).Should().Be(1, "the build output repeats its errors in a summary, the grader shows them once");
    }

    [Fact]
    public void Milestones_run_in_course_order_whatever_order_they_were_asked_in()
    {
        var runner = FakeRunner.AllPassing();

        Session([SampleRuns.Spec("1"), SampleRuns.Spec("2AA"), SampleRuns.Spec("2AB")], runner).Run(Request("2AB", "1"));

        runner.Ran.Should().Equal("1", "2AB");
    }

    [Fact]
    public void The_summary_line_comes_after_the_results_file_is_written()
    {
        Session([SampleRuns.Spec("1")], FakeRunner.AllPassing()).Run(Request() with { Format = ReportFormat.Junit });

        _files.Should().ContainKey("grader-results.xml");
        _out.ToString().Should().Contain("results (junit) written to grader-results.xml");
        LastLine().Should().Be("2 passed, 0 failed");
    }

    [Fact]
    public void The_table_format_writes_a_file_only_when_out_is_given()
    {
        Session([SampleRuns.Spec("1")], FakeRunner.AllPassing()).Run(Request());
        _files.Should().BeEmpty();

        Session([SampleRuns.Spec("1")], FakeRunner.AllPassing()).Run(Request() with { OutFile = "scores.txt" });
        _files.Should().ContainKey("scores.txt").WhoseValue.Should().StartWith("milestone");
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

    [Fact]
    public void A_results_file_that_cannot_be_written_is_reported_and_exits_1_with_the_summary_last()
    {
        var session = new GradingSession(
            [SampleRuns.Spec("1")],
            FakeRunner.AllPassing(),
            _out,
            new FixedTime(SampleRuns.Started),
            new PlainProgress(TextWriter.Null),
            (path, _) => throw new UnauthorizedAccessException($"Access to the path '{path}' is denied."));

        var exit = session.Run(Request() with { Format = ReportFormat.Gradescope, OutFile = "/read-only/results.json" });

        exit.Should().Be(1);
        _out.ToString().Should().Contain("grader: could not write the results to /read-only/results.json: Access to the path");
        LastLine().Should().Be("2 passed, 0 failed");
    }

    private static GradeRequest Request(params string[] milestones) => new(milestones, BuildSettings.AsIs, ReportFormat.Table, null);

    private GradingSession Session(IReadOnlyList<MilestoneSpec> milestones, ITestRunner runner) =>
        new(milestones, runner, _out, new FixedTime(SampleRuns.Started), new PlainProgress(TextWriter.Null), (path, text) => _files[path] = text);

    private int CountOf(string text) => _out.ToString().Split(text).Length - 1;

    private string LastLine() => _out.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r');
}
