using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Scheduler.Core;

/// <summary>
/// What the scheduler knows of one store: its metadata (address, state), the statistics of its
/// last heartbeat and when that came, and the leader, region and pending-peer counts and sizes
/// the cluster derives from region heartbeats. Immutable; <c>With…</c> methods make updated copies.
/// </summary>
/// <remarks>Times are microseconds on the scheduler's clock (<see cref="TinyKv.Runtime.IScheduler.Now"/>).</remarks>
public sealed record StoreInfo
{
    /// <summary>A store silent this long is disconnected: no new leaders go to it.</summary>
    public static readonly TimeSpan DisconnectDuration = TimeSpan.FromSeconds(20);

    /// <summary>Creates the view of a store that has not sent a heartbeat yet.</summary>
    public StoreInfo(Store meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        Meta = meta;
    }

    /// <summary>The store's metadata. Treat it as read-only.</summary>
    public Store Meta { get; init; }

    /// <summary>The statistics of the last heartbeat (empty before the first).</summary>
    public StoreStats Stats { get; init; } = new();

    /// <summary>When the last heartbeat came (scheduler clock, µs), or null if none came.</summary>
    public long? LastHeartbeat { get; init; }

    /// <summary>How many regions the store leads.</summary>
    public int LeaderCount { get; init; }

    /// <summary>How many regions the store holds a peer of.</summary>
    public int RegionCount { get; init; }

    /// <summary>The total size (MiB) of the regions the store leads.</summary>
    public long LeaderSize { get; init; }

    /// <summary>The total size (MiB) of the regions the store holds a peer of.</summary>
    public long RegionSize { get; init; }

    /// <summary>How many of the store's peers are pending (behind their leader).</summary>
    public int PendingPeerCount { get; init; }

    /// <summary>True while an operator has blocked the store from receiving new regions.</summary>
    public bool IsBlocked { get; init; }

    /// <summary>The store id.</summary>
    public ulong Id => Meta.Id;

    /// <summary>The store's address.</summary>
    public string Address => Meta.Address;

    /// <summary>The store's state: up, offline (being drained) or tombstone (gone for good).</summary>
    public StoreState State => Meta.State;

    /// <summary>True if the store is up.</summary>
    public bool IsUp => State == StoreState.Up;

    /// <summary>True if the store is offline: still serving, but its regions are to move away.</summary>
    public bool IsOffline => State == StoreState.Offline;

    /// <summary>True if the store is a tombstone.</summary>
    public bool IsTombstone => State == StoreState.Tombstone;

    /// <summary>True if the store said in its last heartbeat that it is too busy for more work.</summary>
    public bool IsBusy => Stats.IsBusy;

    /// <summary>Snapshots the store is sending, receiving and applying, as its last heartbeat said.</summary>
    public uint SnapshotCount => Stats.SendingSnapCount + Stats.ReceivingSnapCount + Stats.ApplyingSnapCount;

    /// <summary>How long the store has been silent at <paramref name="now"/>; <see cref="TimeSpan.MaxValue"/> if it never spoke.</summary>
    public TimeSpan DownTime(long now) =>
        LastHeartbeat is { } last ? TimeSpan.FromMicroseconds(Math.Max(0, now - last)) : TimeSpan.MaxValue;

    /// <summary>True if the store has been silent for more than <see cref="DisconnectDuration"/> at <paramref name="now"/>.</summary>
    public bool IsDisconnected(long now) => DownTime(now) > DisconnectDuration;

    /// <summary>A copy with another state.</summary>
    public StoreInfo WithState(StoreState state)
    {
        var meta = Meta.Clone();
        meta.State = state;
        return this with { Meta = meta };
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"store {Id} ({State}) regions {RegionCount} size {RegionSize} leaders {LeaderCount} leader size {LeaderSize} pending {PendingPeerCount}";
}
