using System.Diagnostics;
using Google.Protobuf;

namespace TinyKv.Scheduler.Core;

/// <summary>
/// The regions of the cluster laid out by start key, the way clients look them up: which region
/// holds a key, which regions a range overlaps, the region just before another. Regions in the
/// tree never overlap; putting a region in removes the regions it overlaps.
/// </summary>
/// <remarks>
/// A sorted array searched by binary search: lookups take O(log n), an insert or removal moves
/// the tail of the array (O(n) copies of one reference each, cheap for the tens of thousands of
/// regions a course cluster holds). Not thread-safe; the cluster owns it.
/// </remarks>
public sealed class RegionTree
{
    private readonly List<RegionInfo> _regions = [];

    /// <summary>How many regions the tree holds.</summary>
    public int Count => _regions.Count;

    /// <summary>The regions in key order.</summary>
    public IReadOnlyList<RegionInfo> Regions => _regions;

    /// <summary>
    /// Puts <paramref name="region"/> in, removing first every region its range overlaps
    /// (a region with the same start key included).
    /// </summary>
    /// <returns>The regions removed, in key order.</returns>
    public IReadOnlyList<RegionInfo> Update(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var (first, count) = OverlapRange(region.StartKey, region.EndKey);
        var overlaps = _regions.GetRange(first, count);
        _regions.RemoveRange(first, count);
        _regions.Insert(first, region);
        AssertInvariants();
        return overlaps;
    }

    /// <summary>Removes <paramref name="region"/> if the tree holds it (same start key and same id).</summary>
    /// <returns>True if it was removed.</returns>
    public bool Remove(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var index = IndexContaining(region.StartKey.Span);
        if (index < 0 || _regions[index].Id != region.Id || !_regions[index].StartKey.Equals(region.StartKey))
        {
            return false;
        }

        _regions.RemoveAt(index);
        return true;
    }

    /// <summary>The region whose range holds <paramref name="key"/>, or null if no region covers it.</summary>
    public RegionInfo? Search(ReadOnlySpan<byte> key)
    {
        var index = IndexContaining(key);
        return index < 0 ? null : _regions[index];
    }

    /// <summary>
    /// The region that ends where the region holding <paramref name="key"/> starts, or null if
    /// no region holds the key, or the region before it leaves a gap.
    /// </summary>
    public RegionInfo? SearchPrevious(ReadOnlySpan<byte> key)
    {
        var index = IndexContaining(key);
        if (index <= 0)
        {
            return null;
        }

        var previous = _regions[index - 1];
        return previous.EndKey.Equals(_regions[index].StartKey) ? previous : null;
    }

    /// <summary>The regions <paramref name="region"/>'s range overlaps, in key order (whatever their ids).</summary>
    public IReadOnlyList<RegionInfo> GetOverlaps(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var (first, count) = OverlapRange(region.StartKey, region.EndKey);
        return _regions.GetRange(first, count);
    }

    /// <summary>
    /// The regions from the one holding <paramref name="startKey"/> (or the first after it) on, in
    /// key order, stopping before the first region that starts at or after
    /// <paramref name="endKey"/> (empty: no end) and after <paramref name="limit"/> regions
    /// (0 or less: no limit).
    /// </summary>
    public IReadOnlyList<RegionInfo> ScanRange(ReadOnlySpan<byte> startKey, ReadOnlySpan<byte> endKey, int limit)
    {
        var result = new List<RegionInfo>();
        var index = IndexContaining(startKey);
        if (index < 0)
        {
            index = FirstStartingAtOrAfter(startKey);
        }

        for (; index < _regions.Count; index++)
        {
            var region = _regions[index];
            if (!endKey.IsEmpty && Keys.Compare(region.StartKey.Span, endKey) >= 0)
            {
                break;
            }

            if (limit > 0 && result.Count >= limit)
            {
                break;
            }

            result.Add(region);
        }

        return result;
    }

    /// <summary>The index of the region holding <paramref name="key"/>, or -1.</summary>
    private int IndexContaining(ReadOnlySpan<byte> key)
    {
        var index = FirstStartingAfter(key) - 1;
        return index >= 0 && _regions[index].Contains(key) ? index : -1;
    }

    /// <summary>The first index whose region starts after <paramref name="key"/> (the count when none does).</summary>
    private int FirstStartingAfter(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _regions.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Keys.Compare(_regions[mid].StartKey.Span, key) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The first index whose region starts at or after <paramref name="key"/>.</summary>
    private int FirstStartingAtOrAfter(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _regions.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Keys.Compare(_regions[mid].StartKey.Span, key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The slice of regions [start, end) overlaps: from the one holding start (or the first after it) to the last starting before end.</summary>
    private (int First, int Count) OverlapRange(ByteString start, ByteString end)
    {
        var first = IndexContaining(start.Span);
        if (first < 0)
        {
            first = FirstStartingAtOrAfter(start.Span);
        }

        var last = first;
        while (last < _regions.Count && (end.IsEmpty || Keys.Compare(_regions[last].StartKey, end) < 0))
        {
            last++;
        }

        return (first, last - first);
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        for (var i = 1; i < _regions.Count; i++)
        {
            var previous = _regions[i - 1];
            Debug.Assert(
                !previous.EndKey.IsEmpty && Keys.Compare(previous.EndKey, _regions[i].StartKey) <= 0,
                $"regions overlap in the tree: {previous} and {_regions[i]}");
        }
    }
}
