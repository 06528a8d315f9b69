namespace TinyKv;

/// <summary>
/// The course's milestones in course order. The order matters: building with
/// <c>ReferenceThrough=2AC</c> compiles the reference of every milestone up to 2AC.
/// The order is written once, as <c>TinyKvMilestones</c> in the root <c>Directory.Build.props</c>,
/// which also derives the compilation symbols from it; this assembly carries it from the build.
/// The titles, points and time limits live in the course manifest (<c>course/manifest.json</c>).
/// </summary>
public static class Milestones
{
    /// <summary>Every milestone, in course order.</summary>
    public static IReadOnlyList<string> All { get; } = FromBuild();

    private static string[] FromBuild()
    {
        var order = typeof(Milestones).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "TinyKvMilestones")?.Value;
        return string.IsNullOrEmpty(order)
            ? throw new InvalidOperationException("TinyKv.Common was built without TinyKvMilestones (the root Directory.Build.props defines it)")
            : order.Split(';');
    }

    /// <summary>Whether <paramref name="milestone"/> names a milestone (case-sensitive).</summary>
    public static bool IsKnown(string? milestone) => milestone is not null && All.Contains(milestone);

    /// <summary>The position of a milestone in course order, from 0.</summary>
    /// <exception cref="ArgumentException">The milestone is unknown.</exception>
    public static int OrdinalOf(string milestone)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == milestone)
            {
                return i;
            }
        }

        throw new ArgumentException($"'{milestone}' is not a course milestone.", nameof(milestone));
    }

    /// <summary>The milestone before <paramref name="milestone"/>, or null for the first.</summary>
    public static string? Previous(string milestone)
    {
        var i = OrdinalOf(milestone);
        return i == 0 ? null : All[i - 1];
    }

    /// <summary>The compilation symbol that guards a milestone's reference code.</summary>
    public static string SymbolOf(string milestone) => "TINYKV_REF_" + All[OrdinalOf(milestone)];
}
