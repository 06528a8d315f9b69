using System.Globalization;

namespace TinyKv.Bench;

/// <summary>One server the tool talks to: its address and, in a TinyKV cluster, its store id.</summary>
/// <param name="StoreId">The store id given as <c>id=host:port</c>, or 0 for a plain address.</param>
/// <param name="Address">host:port.</param>
public sealed record Endpoint(ulong StoreId, string Address)
{
    /// <summary>The address as an http URL for a gRPC channel (HTTP/2 without TLS).</summary>
    public Uri Url => new($"http://{Address}");
}

/// <summary>
/// The servers of a run, in the order given. A TinyKV cluster is written like the server's
/// <c>--cluster</c> flag (<c>1=127.0.0.1:20160,2=127.0.0.1:20161</c>) so a region error naming
/// the leader's store id leads to its address; a standalone server or etcd members are plain
/// addresses (<c>127.0.0.1:2379,127.0.0.1:22379</c>).
/// </summary>
public sealed class EndpointList
{
    private EndpointList(IReadOnlyList<Endpoint> all) => All = all;

    /// <summary>Every endpoint, in the order given.</summary>
    public IReadOnlyList<Endpoint> All { get; }

    /// <summary>How many endpoints there are.</summary>
    public int Count => All.Count;

    /// <summary>The position in <see cref="All"/> of the store with id <paramref name="storeId"/>, or -1 when no endpoint has it.</summary>
    public int IndexOfStore(ulong storeId)
    {
        if (storeId == 0)
        {
            return -1;
        }

        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].StoreId == storeId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Parses a comma-separated list of <c>host:port</c> or of <c>id=host:port</c> (not a mix).</summary>
    /// <exception cref="FormatException">The list is empty, an item is malformed, or items mix the two forms.</exception>
    public static EndpointList Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0)
        {
            throw new FormatException("the endpoint list is empty; give host:port, or id=host:port for the stores of a TinyKV cluster, comma-separated");
        }

        var endpoints = new List<Endpoint>();
        var withIds = items[0].Contains('=', StringComparison.Ordinal);
        foreach (var item in items)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if ((equals >= 0) != withIds)
            {
                throw new FormatException($"endpoint '{item}': give every endpoint as id=host:port or every one as host:port, not a mix");
            }

            ulong id = 0;
            var address = item;
            if (withIds)
            {
                if (equals == 0 || !ulong.TryParse(item[..equals], NumberStyles.None, CultureInfo.InvariantCulture, out id) || id == 0)
                {
                    throw new FormatException($"endpoint '{item}' is not id=host:port with a store id above 0, e.g. 1=127.0.0.1:20160");
                }

                address = item[(equals + 1)..];
                if (endpoints.Exists(e => e.StoreId == id))
                {
                    throw new FormatException($"store {id} appears twice in the endpoint list");
                }
            }

            CheckAddress(item, address);
            endpoints.Add(new Endpoint(id, address));
        }

        return new EndpointList(endpoints);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(",", All.Select(e => e.StoreId == 0 ? e.Address : $"{e.StoreId}={e.Address}"));

    private static void CheckAddress(string item, string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            throw new FormatException($"endpoint '{item}' needs host:port with a port from 1 to 65535, e.g. 127.0.0.1:20160");
        }
    }
}
