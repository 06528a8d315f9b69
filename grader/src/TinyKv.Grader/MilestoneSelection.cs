using TinyKv.Course.Manifest;

namespace TinyKv.Grader;

/// <summary>Which milestones a command line names: the ones to run, in course order, and the ones not available yet.</summary>
public static class MilestoneSelection
{
    /// <summary>
    /// The available milestones among <paramref name="asked"/> (every available one when none is
    /// asked), in course order, and the asked ones that are not available yet.
    /// </summary>
    /// <param name="milestones">Every milestone of the course, in course order.</param>
    /// <param name="asked">Milestone ids as the command line gave them (upper case).</param>
    /// <exception cref="UsageException">A milestone id is unknown.</exception>
    public static (List<MilestoneSpec> Selected, List<string> NotAvailable) Select(IReadOnlyList<MilestoneSpec> milestones, IReadOnlyList<string> asked)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(asked);
        if (asked.Count == 0)
        {
            return ([.. milestones.Where(m => m.Available)], []);
        }

        var unknown = asked.Where(id => milestones.All(m => m.Id != id)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            var noun = unknown.Count == 1 ? "milestone" : "milestones";
            throw new UsageException($"unknown {noun} {string.Join(", ", unknown)}; the milestones are {string.Join(", ", milestones.Select(m => m.Id))}");
        }

        var chosen = milestones.Where(m => asked.Contains(m.Id)).ToList();
        return ([.. chosen.Where(m => m.Available)], [.. chosen.Where(m => !m.Available).Select(m => m.Id)]);
    }
}
