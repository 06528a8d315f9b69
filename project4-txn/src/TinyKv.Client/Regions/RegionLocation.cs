using TinyKv.Proto.Metapb;

namespace TinyKv.Client.Regions;

/// <summary>A region as a client last learnt it, and its leader if known.</summary>
/// <param name="Region">The region: id, key range, epoch, peers.</param>
/// <param name="Leader">The peer that leads it, or null when nobody said.</param>
public sealed record RegionLocation(Region Region, Peer? Leader)
{
    /// <summary>Whether <paramref name="key"/> lies in the region's range (start inclusive, end exclusive, an empty end unbounded).</summary>
    public bool Contains(ReadOnlySpan<byte> key) =>
        key.SequenceCompareTo(Region.StartKey.Span) >= 0 && (Region.EndKey.IsEmpty || key.SequenceCompareTo(Region.EndKey.Span) < 0);
}
