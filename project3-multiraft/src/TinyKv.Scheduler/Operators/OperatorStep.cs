using TinyKv.Scheduler.Core;

namespace TinyKv.Scheduler.Operators;

/// <summary>
/// One step of an operator: a single change a region's leader carries out (add a peer, remove
/// a peer, hand over leadership). A step is finished when a region heartbeat shows its effect.
/// </summary>
public abstract record OperatorStep
{
    /// <summary>True if <paramref name="region"/>, as last reported, shows this step done.</summary>
    public abstract bool IsFinished(RegionInfo region);

    /// <summary>
    /// True if this step has changed <paramref name="region"/>'s membership (so its conf_ver grew
    /// by one because of it); lets the controller tell its own changes from someone else's.
    /// </summary>
    public abstract bool ConfVerChanged(RegionInfo region);
}

/// <summary>Add peer <see cref="PeerId"/> on store <see cref="ToStore"/>; done once the peer is in the region and no longer pending.</summary>
public sealed record AddPeer(ulong ToStore, ulong PeerId) : OperatorStep
{
    /// <inheritdoc />
    public override bool IsFinished(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var peer = region.GetStorePeer(ToStore);
        return peer is not null && peer.Id == PeerId && region.GetPendingPeer(peer.Id) is null;
    }

    /// <inheritdoc />
    public override bool ConfVerChanged(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region.GetStorePeer(ToStore)?.Id == PeerId;
    }

    /// <inheritdoc />
    public override string ToString() => $"add peer {PeerId} on store {ToStore}";
}

/// <summary>Remove the region's peer on store <see cref="FromStore"/>; done once the region has no peer there.</summary>
public sealed record RemovePeer(ulong FromStore) : OperatorStep
{
    /// <inheritdoc />
    public override bool IsFinished(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return !region.HasPeerOn(FromStore);
    }

    /// <inheritdoc />
    public override bool ConfVerChanged(RegionInfo region) => IsFinished(region);

    /// <inheritdoc />
    public override string ToString() => $"remove peer on store {FromStore}";
}

/// <summary>Hand leadership from the peer on <see cref="FromStore"/> to the peer on <see cref="ToStore"/>; done once the leader is there.</summary>
public sealed record TransferLeader(ulong FromStore, ulong ToStore) : OperatorStep
{
    /// <inheritdoc />
    public override bool IsFinished(RegionInfo region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region.Leader?.StoreId == ToStore;
    }

    /// <inheritdoc />
    public override bool ConfVerChanged(RegionInfo region) => false;

    /// <inheritdoc />
    public override string ToString() => $"transfer leader from store {FromStore} to store {ToStore}";
}
