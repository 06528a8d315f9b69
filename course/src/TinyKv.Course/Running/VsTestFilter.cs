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
        ArgumentNullException.ThrowIfNull(exclude);
        return string.Concat(exclude
            .Order(StringComparer.Ordinal)
            .Select(name => "&DisplayName!=" + Escape(name))
            .Prepend("Milestone=" + Escape(milestone)));
    }

    /// <summary>The single test of <paramref name="milestone"/> whose display name is <paramref name="displayName"/>.</summary>
    public static string OnlyTest(string milestone, string displayName)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        ArgumentNullException.ThrowIfNull(displayName);
        return $"Milestone={Escape(milestone)}&DisplayName={Escape(displayName)}";
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
