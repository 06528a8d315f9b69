using TinyKv.Proto.Metapb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>Key ranges of regions: a region owns [start_key, end_key), an empty end meaning "to the end".</summary>
public static class RegionKeys
{
    /// <summary>Whether <paramref name="key"/> lies in <paramref name="region"/>.</summary>
    public static bool Contains(Region region, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(region);
        return ByteComparer.Compare(key, region.StartKey.Span) >= 0
            && (region.EndKey.IsEmpty || ByteComparer.Compare(key, region.EndKey.Span) < 0);
    }
}
