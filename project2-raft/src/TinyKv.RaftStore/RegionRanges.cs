using TinyKv.Proto.Metapb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>
/// The key ranges of the regions a store holds, kept in order of their end keys (an empty end
/// key, "to the end", sorts last): which region holds a key, and which regions a range overlaps
/// — a store refuses to create a peer whose range overlaps one it already has, since the data
/// under those keys belongs to that region.
/// </summary>
public sealed class RegionRanges
{
    private readonly SortedList<byte[], Region> _byEnd = new(EndKeyComparer.Instance);
    private readonly Dictionary<ulong, byte[]> _endOf = [];

    /// <summary>How many regions are kept.</summary>
    public int Count => _byEnd.Count;

    /// <summary>Records <paramref name="region"/>'s range, replacing what was kept for its id.</summary>
    /// <exception cref="InvalidOperationException">Another region already ends at the same key.</exception>
    public void Set(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        Remove(region.Id);
        var end = region.EndKey.ToByteArray();
        if (_byEnd.TryGetValue(end, out var other))
        {
            throw new InvalidOperationException($"regions {other.Id} and {region.Id} both end at key {Quote.Readable(end)}");
        }

        _byEnd.Add(end, region.Clone());
        _endOf[region.Id] = end;
    }

    /// <summary>Forgets every region.</summary>
    public void Clear()
    {
        _byEnd.Clear();
        _endOf.Clear();
    }

    /// <summary>Forgets region <paramref name="regionId"/>; returns whether it was kept.</summary>
    public bool Remove(ulong regionId)
    {
        if (!_endOf.Remove(regionId, out var end))
        {
            return false;
        }

        _byEnd.Remove(end);
        return true;
    }

    /// <summary>The region holding <paramref name="key"/>, or null.</summary>
    public Region? RegionOf(ReadOnlySpan<byte> key)
    {
        var index = FirstEndingAfter(key);
        return index < _byEnd.Count && RegionKeys.Contains(_byEnd.Values[index], key) ? _byEnd.Values[index] : null;
    }

    /// <summary>The regions whose ranges share a key with [<paramref name="startKey"/>, <paramref name="endKey"/>) (an empty end: to the end), in key order.</summary>
    public IReadOnlyList<Region> Overlapping(ReadOnlySpan<byte> startKey, ReadOnlySpan<byte> endKey)
    {
        var found = new List<Region>();
        for (var index = FirstEndingAfter(startKey); index < _byEnd.Count; index++)
        {
            var region = _byEnd.Values[index];
            if (!endKey.IsEmpty && ByteComparer.Compare(region.StartKey.Span, endKey) >= 0)
            {
                break;
            }

            found.Add(region);
        }

        return found;
    }

    /// <summary>The index of the first region whose end key lies after <paramref name="key"/> (so it may hold it).</summary>
    private int FirstEndingAfter(ReadOnlySpan<byte> key)
    {
        var keys = _byEnd.Keys;
        int low = 0, high = keys.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            var end = keys[middle];
            if (end.Length != 0 && ByteComparer.Compare(end, key) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Orders end keys, an empty one ("to the end") after every other.</summary>
    private sealed class EndKeyComparer : IComparer<byte[]>
    {
        public static EndKeyComparer Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            return (x.Length == 0, y.Length == 0) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => -1,
                _ => ByteComparer.Compare(x, y),
            };
        }
    }
}
