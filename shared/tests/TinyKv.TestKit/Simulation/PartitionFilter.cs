namespace TinyKv.TestKit.Simulation;

/// <summary>
/// Splits the nodes into groups: a message from one group to another is dropped. A node in no
/// group talks to everyone, as in the original harness's PartitionFilter (which cuts s1 from s2
/// only). Remove the filter to heal the partition.
/// </summary>
public sealed class PartitionFilter : INetworkFilter
{
    private readonly SortedDictionary<ulong, int> _groupOf = [];

    /// <summary>Creates a partition into <paramref name="groups"/> (at least two, no node in two groups).</summary>
    /// <exception cref="ArgumentException">Fewer than two groups, or a node in two groups.</exception>
    public PartitionFilter(params IReadOnlyCollection<ulong>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Length < 2)
        {
            throw new ArgumentException("a partition needs at least two groups", nameof(groups));
        }

        for (var group = 0; group < groups.Length; group++)
        {
            foreach (var node in groups[group])
            {
                if (!_groupOf.TryAdd(node, group))
                {
                    throw new ArgumentException($"node {node} is in two groups", nameof(groups));
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Apply(Transmission transmission)
    {
        ArgumentNullException.ThrowIfNull(transmission);
        if (_groupOf.TryGetValue(transmission.From, out var from)
            && _groupOf.TryGetValue(transmission.To, out var to)
            && from != to)
        {
            transmission.Drop("partition");
        }
    }
}
