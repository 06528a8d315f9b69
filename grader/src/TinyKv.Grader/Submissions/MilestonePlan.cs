using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Grader.Submissions;

/// <summary>How one milestone of a submission is graded: the build it gets and the student's files in it.</summary>
/// <param name="Milestone">The milestone graded.</param>
/// <param name="Settings">The edition it is built in.</param>
/// <param name="StudentFiles">The submitted files (repository-relative) taken from the submission; every other file is the instructor's.</param>
public sealed record MilestonePlan(MilestoneSpec Milestone, BuildSettings Settings, IReadOnlyList<string> StudentFiles)
{
    /// <summary>
    /// The plan for <paramref name="milestone"/> under <paramref name="mode"/>. Isolated: built with
    /// <c>ReferenceThrough</c> the milestone before it (the student edition for the first milestone)
    /// and the student's files of the milestone itself; files it shares with earlier milestones come
    /// from the student too. Cumulative: the student edition with the student's files of every
    /// milestone up to it.
    /// </summary>
    /// <param name="milestone">The milestone to grade.</param>
    /// <param name="course">Every milestone of the course, in course order.</param>
    /// <param name="mode">Isolated or cumulative.</param>
    public static MilestonePlan For(MilestoneSpec milestone, IReadOnlyList<MilestoneSpec> course, GradingMode mode)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        ArgumentNullException.ThrowIfNull(course);
        var index = course.ToList().FindIndex(m => m.Id == milestone.Id);
        if (index < 0)
        {
            throw new ArgumentException($"milestone {milestone.Id} is not in the course", nameof(milestone));
        }

        if (mode == GradingMode.Cumulative)
        {
            var upToIt = course.Take(index + 1).SelectMany(m => m.Submits);
            return new MilestonePlan(milestone, new BuildSettings("Student", null), Distinct(upToIt));
        }

        var settings = index == 0 ? new BuildSettings("Student", null) : new BuildSettings(null, course[index - 1].Id);
        return new MilestonePlan(milestone, settings, Distinct(milestone.Submits));
    }

    private static List<string> Distinct(IEnumerable<string> paths) => [.. paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
