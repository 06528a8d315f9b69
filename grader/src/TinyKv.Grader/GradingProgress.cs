using Spectre.Console;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>Runs each milestone and shows how far grading has come.</summary>
public interface IGradingProgress
{
    IReadOnlyList<MilestoneRun> Track(IReadOnlyList<MilestoneSpec> milestones, Func<MilestoneSpec, IProgress<TestProgress>, MilestoneRun> run);
}

/// <summary>Plain lines, one per finished milestone: for logs, CI and redirected output.</summary>
public sealed class PlainProgress(TextWriter output) : IGradingProgress
{
    public IReadOnlyList<MilestoneRun> Track(IReadOnlyList<MilestoneSpec> milestones, Func<MilestoneSpec, IProgress<TestProgress>, MilestoneRun> run)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(run);
        var runs = new List<MilestoneRun>();
        foreach (var milestone in milestones)
        {
            output.WriteLine($"{milestone.Id}: running ({milestone.Title}) …");
            var result = run(milestone, new Progress<TestProgress>(_ => { }));
            output.WriteLine($"{milestone.Id}: {result.Passed}/{result.Total} passed, {result.NotStarted} not started");
            runs.Add(result);
        }

        return runs;
    }
}

/// <summary>A live progress bar per milestone, for a person at a terminal.</summary>
public sealed class TerminalProgress : IGradingProgress
{
    public IReadOnlyList<MilestoneRun> Track(IReadOnlyList<MilestoneSpec> milestones, Func<MilestoneSpec, IProgress<TestProgress>, MilestoneRun> run)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(run);
        var runs = new List<MilestoneRun>();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = milestones.ToDictionary(m => m.Id, m => context.AddTask($"{m.Id} {Markup.Escape(m.Title)}", autoStart: false, maxValue: 1));
                foreach (var milestone in milestones)
                {
                    var task = tasks[milestone.Id];
                    task.StartTask();
                    task.IsIndeterminate = true;
                    var progress = new SynchronousProgress(p => task.Description = $"{milestone.Id} {Markup.Escape(milestone.Title)} ({p.Completed} done)");
                    var result = run(milestone, progress);
                    task.IsIndeterminate = false;
                    task.Description = $"{milestone.Id} {Markup.Escape(milestone.Title)}: {result.Passed}/{result.Total}";
                    task.Value = 1;
                    task.StopTask();
                    runs.Add(result);
                }
            });
        return runs;
    }

    private sealed class SynchronousProgress(Action<TestProgress> report) : IProgress<TestProgress>
    {
        public void Report(TestProgress value) => report(value);
    }
}
