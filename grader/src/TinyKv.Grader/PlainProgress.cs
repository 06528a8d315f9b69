using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>
/// Progress as plain lines, one when a milestone starts and one when it ends: for logs, CI and
/// redirected output, with no terminal control codes.
/// </summary>
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
            var result = run(milestone, new SynchronousProgress(_ => { }));
            output.WriteLine($"{milestone.Id}: {result.Passed}/{result.Total} passed, {result.NotStarted} not started");
            runs.Add(result);
        }

        return runs;
    }
}
