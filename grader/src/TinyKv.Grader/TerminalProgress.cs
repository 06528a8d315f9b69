using Spectre.Console;
using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>
/// A live progress bar per milestone, for a person at a terminal: each bar fills as the
/// milestone's tests finish, and spins while the runner is still discovering them.
/// </summary>
public sealed class TerminalProgress(IAnsiConsole console) : IGradingProgress
{
    public IReadOnlyList<MilestoneRun> Track(IReadOnlyList<MilestoneSpec> milestones, Func<MilestoneSpec, IProgress<TestProgress>, MilestoneRun> run)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(run);
        var runs = new List<MilestoneRun>();
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = milestones.Select(m => context.AddTask(Describe(m, "waiting"), autoStart: false, maxValue: 1)).ToList();
                for (var i = 0; i < milestones.Count; i++)
                {
                    runs.Add(RunOne(milestones[i], tasks[i], run));
                }
            });
        return runs;
    }

    private static MilestoneRun RunOne(MilestoneSpec milestone, ProgressTask task, Func<MilestoneSpec, IProgress<TestProgress>, MilestoneRun> run)
    {
        task.StartTask();
        task.IsIndeterminate = true;
        task.Description = Describe(milestone, "starting");
        var result = run(milestone, new SynchronousProgress(progress => Advance(milestone, task, progress)));
        task.IsIndeterminate = false;
        task.MaxValue = Math.Max(result.Total, 1);
        task.Value = task.MaxValue;
        task.Description = Describe(milestone, $"{result.Passed}/{result.Total} passed");
        task.StopTask();
        return result;
    }

    private static void Advance(MilestoneSpec milestone, ProgressTask task, TestProgress progress)
    {
        if (progress.Total <= 0)
        {
            task.Description = Describe(milestone, $"{progress.Completed} done");
            return;
        }

        task.IsIndeterminate = false;
        task.MaxValue = progress.Total;
        task.Value = Math.Min(progress.Completed, progress.Total);
        task.Description = Describe(milestone, $"{progress.Completed}/{progress.Total}");
    }

    private static string Describe(MilestoneSpec milestone, string state) =>
        Markup.Escape($"{milestone.Id} {milestone.Title}: {state}");
}
