using FluentAssertions;
using Spectre.Console;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;
using Xunit;

namespace TinyKv.Grader.Tests;

/// <summary>Both progress displays run every milestone in order and hand back its run.</summary>
public sealed class ProgressTests
{
    private static readonly MilestoneSpec[] s_milestones = [SampleRuns.Spec("1"), SampleRuns.Spec("2AA")];

    [Fact]
    public void Plain_progress_writes_a_line_when_each_milestone_starts_and_ends()
    {
        using var output = new StringWriter();

        var runs = new PlainProgress(output).Track(s_milestones, RunReportingProgress);

        runs.Select(r => r.Milestone.Id).Should().Equal("1", "2AA");
        output.ToString().ReplaceLineEndings("\n").Should().Be(
            "1: running (Milestone 1) …\n1: 2/2 passed, 0 not started\n2AA: running (Milestone 2AA) …\n2AA: 2/2 passed, 0 not started\n");
    }

    [Fact]
    public void Terminal_progress_on_a_plain_console_writes_no_control_codes()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });

        var runs = new TerminalProgress(console).Track(s_milestones, RunReportingProgress);

        runs.Select(r => r.Milestone.Id).Should().Equal("1", "2AA");
        output.ToString().Should().NotContain("\u001b[");
    }

    private static MilestoneRun RunReportingProgress(MilestoneSpec milestone, IProgress<TestProgress> progress)
    {
        progress.Report(new TestProgress(milestone.Id, 0, 0, null));
        progress.Report(new TestProgress(milestone.Id, 1, 2, null));
        progress.Report(new TestProgress(milestone.Id, 2, 2, null));
        return SampleRuns.AllPassing(milestone.Id) with { Milestone = milestone };
    }
}
