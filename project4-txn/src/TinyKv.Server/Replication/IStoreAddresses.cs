namespace TinyKv.Server.Replication;

/// <summary>Where each store of the cluster serves, for the raft transport to connect to.</summary>
public interface IStoreAddresses
{
    /// <summary>
    /// The gRPC address of store <paramref name="storeId"/>, or null when it is not known (not a
    /// member, a tombstone, or the source cannot be asked right now). With
    /// <paramref name="refresh"/>, an address known before is asked for again: the connection to it
    /// just failed, and the store may have moved.
    /// </summary>
    ValueTask<Uri?> ResolveAsync(ulong storeId, bool refresh, CancellationToken cancellationToken);
}
