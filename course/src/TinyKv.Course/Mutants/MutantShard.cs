using System.Globalization;

namespace TinyKv.Course.Mutants;

/// <summary>
/// One of <see cref="Count"/> parts of a mutant check, so that the parts can run at once (side by
/// side on one machine, or on several). A milestone's mutants stay in one part: each part builds
/// the unchanged reference and runs the control of its own milestones only. Milestones go, those
/// with the most mutants first, to the part holding the fewest mutants so far (the first such
/// part on a tie), so the parts are even and the same catalog always splits the same way.
/// </summary>
/// <param name="Index">Which part, from 1.</param>
/// <param name="Count">How many parts.</param>
public sealed record MutantShard(int Index, int Count)
{
    /// <summary>The whole check in one part.</summary>
    public static MutantShard Whole { get; } = new(1, 1);

    /// <summary>Reads <c>K/N</c>: part K of N, with 1 ≤ K ≤ N.</summary>
    /// <exception cref="UsageException">The text is not of that form.</exception>
    public static MutantShard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && index >= 1 && index <= count)
        {
            return new MutantShard(index, count);
        }

        throw new UsageException($"--shard takes K/N, part K of N with 1 <= K <= N (e.g. 1/2), not '{text}'");
    }

    /// <summary>The mutants of <paramref name="mutants"/> this part checks, in their given order.</summary>
    public IReadOnlyList<MutantSpec> Pick(IReadOnlyList<MutantSpec> mutants)
    {
        ArgumentNullException.ThrowIfNull(mutants);
        var load = new int[Count];
        var mine = new HashSet<string>(StringComparer.Ordinal);
        var milestones = mutants
            .GroupBy(m => m.Milestone, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => Milestones.OrdinalOf(g.Key));
        foreach (var milestone in milestones)
        {
            var part = Array.IndexOf(load, load.Min());
            load[part] += milestone.Count();
            if (part == Index - 1)
            {
                mine.Add(milestone.Key);
            }
        }

        return [.. mutants.Where(m => mine.Contains(m.Milestone))];
    }

    /// <summary>"part 1 of 2".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"part {Index} of {Count}");
}
