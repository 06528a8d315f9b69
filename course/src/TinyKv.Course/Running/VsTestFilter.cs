using System.Text;

namespace TinyKv.Course.Running;

/// <summary>
/// Test case filters in vstest's syntax (<c>Milestone=1&amp;DisplayName!=…</c>). Tests are told
/// apart by display name, which keeps a theory's cases apart: excluding one hung case leaves
/// its siblings to run.
/// </summary>
public static class VsTestFilter
{
    /// <summary>Every test of <paramref name="milestone"/> except those named in <paramref name="exclude"/>.</summary>
    /// <param name="milestone">The milestone id (the <c>Milestone</c> trait).</param>
    /// <param name="exclude">Display names of tests already accounted for.</param>
    public static string MilestoneExcept(string milestone, IEnumerable<string> exclude)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        return Except("Milestone=" + Escape(milestone), exclude);
    }

    /// <summary>The single test of <paramref name="milestone"/> whose display name is <paramref name="displayName"/>.</summary>
    public static string OnlyTest(string milestone, string displayName)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        return Only("Milestone=" + Escape(milestone), displayName);
    }

    /// <summary>
    /// The tests of any of <paramref name="milestones"/> that carry <paramref name="trait"/> (if
    /// given), and of those only the one named <paramref name="displayName"/> (if given):
    /// <c>(Milestone=2B|Milestone=4C)&amp;Simulated=true</c>.
    /// </summary>
    public static string Select(IReadOnlyList<string> milestones, TestTrait? trait = null, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        if (milestones.Count == 0)
        {
            throw new ArgumentException("a filter needs at least one milestone", nameof(milestones));
        }

        var either = string.Join('|', milestones.Select(id => "Milestone=" + Escape(id)));
        var filter = milestones.Count == 1 ? either : $"({either})";
        if (trait is not null)
        {
            filter += $"&{Escape(trait.Name)}={Escape(trait.Value)}";
        }

        return displayName is null ? filter : Only(filter, displayName);
    }

    /// <summary>The tests <paramref name="filter"/> selects except those named in <paramref name="exclude"/> (in name order).</summary>
    public static string Except(string filter, IEnumerable<string> exclude)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(exclude);
        return string.Concat(exclude
            .Order(StringComparer.Ordinal)
            .Select(name => "&DisplayName!=" + Escape(name))
            .Prepend(filter));
    }

    /// <summary>The test <paramref name="filter"/> selects whose display name is <paramref name="displayName"/>.</summary>
    public static string Only(string filter, string displayName)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(displayName);
        return $"{filter}&DisplayName={Escape(displayName)}";
    }

    /// <summary>Escapes the characters the filter grammar gives a meaning to.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\\' or '(' or ')' or '&' or '|' or '=' or '!' or '~')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
