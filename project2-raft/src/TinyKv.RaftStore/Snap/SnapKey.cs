namespace TinyKv.RaftStore.Snap;

/// <summary>Names one snapshot of a region: the region, and the term and index of the last entry it covers.</summary>
public readonly record struct SnapKey(ulong RegionId, ulong Term, ulong Index)
{
    /// <inheritdoc/>
    public override string ToString() => $"{RegionId}_{Term}_{Index}";
}
