namespace TinyKv.Course.Manifest;

/// <summary>
/// One milestone of the course as the manifest (<c>course/manifest.json</c>) describes it.
/// </summary>
/// <param name="Id">The milestone id, e.g. "1" or "2AB" (see <see cref="Milestones.All"/>).</param>
/// <param name="Title">A short title for tables and handouts.</param>
/// <param name="Stage">The course stage (1–4) the milestone belongs to.</param>
/// <param name="Points">What the milestone is worth; each of its tests is worth an equal share.</param>
/// <param name="TestTimeLimitSeconds">How long one test may run before the grader calls it hung.</param>
/// <param name="Available">False for milestones whose code and tests are not built yet.</param>
/// <param name="TestProjects">Repository-relative paths of the test projects holding its graded tests.</param>
/// <param name="Submits">Repository-relative paths of the files a student hands in for it.</param>
public sealed record MilestoneSpec(
    string Id,
    string Title,
    int Stage,
    double Points,
    int TestTimeLimitSeconds,
    bool Available,
    IReadOnlyList<string> TestProjects,
    IReadOnlyList<string> Submits);
