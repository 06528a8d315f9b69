namespace TinyKv.Scheduler.Core;

/// <summary>
/// The regions one store plays one role in (leads, follows, or has a pending peer in), by
/// region id, with their total approximate size kept up to date. Random picks index into the
/// id order, so a seeded generator picks the same region every run.
/// </summary>
public sealed class RegionSubset
{
    private readonly SortedList<ulong, RegionInfo> _regions = [];

    /// <summary>How many regions the subset holds.</summary>
    public int Count => _regions.Count;

    /// <summary>The sum of the regions' approximate sizes (MiB).</summary>
    public long TotalSize { get; private set; }

    /// <summary>The regions, by ascending id.</summary>
    public IEnumerable<RegionInfo> Regions => _regions.Values;

    /// <summary>Adds or replaces the region with <paramref name="region"/>'s id.</summary>
    public void Put(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        Remove(region.Id);
        _regions.Add(region.Id, region);
        TotalSize += region.ApproximateSize;
    }

    /// <summary>Removes the region with id <paramref name="regionId"/> if present.</summary>
    public void Remove(ulong regionId)
    {
        if (_regions.Remove(regionId, out var old))
        {
            TotalSize -= old.ApproximateSize;
        }
    }

    /// <summary>The region with id <paramref name="regionId"/>, or null.</summary>
    public RegionInfo? Get(ulong regionId) => _regions.GetValueOrDefault(regionId);

    /// <summary>
    /// A region drawn from <paramref name="random"/> among those <paramref name="accept"/> takes
    /// (all when null), or null if none does: starts at a random position and walks on in id
    /// order, so a filter that rejects most regions still finds the ones it accepts.
    /// </summary>
    public RegionInfo? Random(Random random, Func<RegionInfo, bool>? accept = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_regions.Count == 0)
        {
            return null;
        }

        var start = random.Next(_regions.Count);
        for (var i = 0; i < _regions.Count; i++)
        {
            var region = _regions.GetValueAtIndex((start + i) % _regions.Count);
            if (accept is null || accept(region))
            {
                return region;
            }
        }

        return null;
    }
}
