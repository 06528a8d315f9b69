using TinyKv.Course.Manifest;
using TinyKv.Course.Running;

namespace TinyKv.Course.Checks;

/// <summary>How one milestone fared in <c>course verify</c>.</summary>
/// <param name="Milestone">The milestone.</param>
/// <param name="StubRun">Its tests built with the reference of every earlier milestone only (its own slots are stubs).</param>
/// <param name="ReferenceRun">Its tests built as the full reference; null when the reference was left out (<see cref="CourseVerifier.SkipReference"/>).</param>
/// <param name="Defects">What breaks the course's rules; empty when the milestone is sound.</param>
public sealed record MilestoneVerification(MilestoneSpec Milestone, MilestoneRun StubRun, MilestoneRun? ReferenceRun, IReadOnlyList<string> Defects)
{
    /// <summary>
    /// Its tests built with the reference through this milestone and the stubs of every later
    /// one (what a student has who just finished it); null for the last milestone.
    /// </summary>
    public MilestoneRun? DoneRun { get; init; }

    /// <summary>Whether the milestone keeps every rule.</summary>
    public bool Holds => Defects.Count == 0;
}
