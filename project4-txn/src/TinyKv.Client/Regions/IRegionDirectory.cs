namespace TinyKv.Client.Regions;

/// <summary>Where a client learns regions and stores: the scheduler (see <see cref="SchedulerDirectory"/>).</summary>
public interface IRegionDirectory
{
    /// <summary>The region holding <paramref name="key"/> and its leader, or null when the directory knows none.</summary>
    Task<RegionLocation?> RegionOfKeyAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken);

    /// <summary>The gRPC address (host:port) of store <paramref name="storeId"/>, or null when it is unknown or gone.</summary>
    Task<string?> StoreAddressAsync(ulong storeId, CancellationToken cancellationToken);

    /// <summary>A connection to store <paramref name="storeId"/> failed: an address kept for it may be stale.</summary>
    void StoreUnreachable(ulong storeId);
}
