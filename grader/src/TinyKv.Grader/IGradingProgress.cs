using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader;

/// <summary>Runs each milestone in turn and shows how far grading has come.</summary>
public interface IGradingProgress
{
    /// <summary>
    /// Calls <paramref name="run"/> for each of <paramref name="milestones"/> in order, handing it a
    /// sink for the milestone's test progress; returns the runs in the same order.
    /// </summary>
    IReadOnlyList<MilestoneRun> Track(IReadOnlyList<MilestoneSpec> milestones, Func<MilestoneSpec, IProgress<TestProgress>, MilestoneRun> run);
}
