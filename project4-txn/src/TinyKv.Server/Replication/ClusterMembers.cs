using System.Globalization;

namespace TinyKv.Server.Replication;

/// <summary>
/// The stores of a static cluster and the address each serves on, as given to every server of
/// the cluster (<c>--cluster 1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162</c>). Every
/// server derives the cluster's first region from the same list, so they agree on it without a
/// scheduler.
/// </summary>
public sealed class ClusterMembers : IStoreAddresses
{
    private ClusterMembers(SortedDictionary<ulong, Uri> stores) => Stores = stores;

    /// <summary>Every store, by id, with the URL its gRPC service listens on.</summary>
    public IReadOnlyDictionary<ulong, Uri> Stores { get; }

    /// <summary>Parses a comma-separated list of <c>id=host:port</c>.</summary>
    /// <exception cref="FormatException">An item is not <c>id=host:port</c> with a positive id, or an id repeats, or the list is empty.</exception>
    public static ClusterMembers Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stores = new SortedDictionary<ulong, Uri>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !ulong.TryParse(item[..equals], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
            {
                throw new FormatException($"cluster member '{item}' is not id=host:port with a store id above 0, e.g. 1=127.0.0.1:20160");
            }

            var address = ServerOptions.ParseAddress(item[(equals + 1)..]);
            if (address.Port == 0)
            {
                throw new FormatException($"cluster member '{item}' needs a real port, not 0: the other stores must know where to reach it");
            }

            if (!stores.TryAdd(id, new Uri($"http://{address}")))
            {
                throw new FormatException($"store {id} appears twice in the cluster list");
            }
        }

        return stores.Count > 0
            ? new ClusterMembers(stores)
            : throw new FormatException("the cluster list is empty; give id=host:port for every store, comma-separated");
    }

    /// <inheritdoc/>
    public ValueTask<Uri?> ResolveAsync(ulong storeId, bool refresh, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Stores.GetValueOrDefault(storeId));

    /// <inheritdoc/>
    public override string ToString() => string.Join(",", Stores.Select(s => $"{s.Key}={s.Value.Authority}"));
}
