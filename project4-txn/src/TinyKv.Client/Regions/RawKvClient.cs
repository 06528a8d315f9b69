using Google.Protobuf;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Client.Regions;

/// <summary>
/// The raw key-value API of a multi-region cluster: each call goes to the leader of its key's
/// region (see <see cref="RegionRequestSender"/>), and a scan walks region after region.
/// </summary>
public sealed class RawKvClient : IDisposable
{
    private readonly RegionRequestSender _sender;
    private readonly IDisposable? _owned;

    /// <summary>A client sending through <paramref name="sender"/> (not disposed with the client).</summary>
    public RawKvClient(RegionRequestSender sender) => _sender = sender ?? throw new ArgumentNullException(nameof(sender));

    private RawKvClient(RegionRequestSender sender, IDisposable owned)
        : this(sender) => _owned = owned;

    /// <summary>The regions the client knows.</summary>
    public RegionCache Regions => _sender.Cache;

    /// <summary>A client of the cluster whose scheduler serves at <paramref name="scheduler"/> (one member, or the first of several).</summary>
    public static RawKvClient Connect(Uri scheduler, RegionClientOptions? options = null) => Connect([scheduler], options);

    /// <summary>A client of the cluster whose scheduler members serve at <paramref name="schedulers"/>.</summary>
    public static RawKvClient Connect(IReadOnlyList<Uri> schedulers, RegionClientOptions? options = null)
    {
        var link = new SchedulerLink(schedulers);
        return new RawKvClient(new RegionRequestSender(new SchedulerDirectory(link), options), link);
    }

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <exception cref="RawKvException">The store refused the request.</exception>
    public async Task PutAsync(ByteString key, ByteString value, string cf = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var (response, _) = await _sender.SendAsync(
            key.Memory,
            (client, context, token) => client.RawPutAsync(new RawPutRequest { Context = context, Key = key, Value = value, Cf = cf }, cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        Check(response.Error, "put");
    }

    /// <summary>The value under <paramref name="key"/>, or null when there is none.</summary>
    /// <exception cref="RawKvException">The store refused the request.</exception>
    public async Task<ByteString?> GetAsync(ByteString key, string cf = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (response, _) = await _sender.SendAsync(
            key.Memory,
            (client, context, token) => client.RawGetAsync(new RawGetRequest { Context = context, Key = key, Cf = cf }, cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        Check(response.Error, "get");
        return response.NotFound ? null : response.Value;
    }

    /// <summary>Removes <paramref name="key"/>.</summary>
    /// <exception cref="RawKvException">The store refused the request.</exception>
    public async Task DeleteAsync(ByteString key, string cf = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (response, _) = await _sender.SendAsync(
            key.Memory,
            (client, context, token) => client.RawDeleteAsync(new RawDeleteRequest { Context = context, Key = key, Cf = cf }, cancellationToken: token).ResponseAsync,
            r => r.RegionError,
            cancellationToken).ConfigureAwait(false);
        Check(response.Error, "delete");
    }

    /// <summary>Up to <paramref name="limit"/> pairs from <paramref name="start"/> on, in key order, across regions.</summary>
    /// <exception cref="RawKvException">A store refused the request.</exception>
    public async Task<IReadOnlyList<KvPair>> ScanAsync(ByteString start, int limit, string cf = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var pairs = new List<KvPair>();
        var from = start;
        while (pairs.Count < limit)
        {
            var wanted = (uint)(limit - pairs.Count);
            var (response, region) = await _sender.SendAsync(
                from.Memory,
                (client, context, token) => client.RawScanAsync(new RawScanRequest { Context = context, StartKey = from, Limit = wanted, Cf = cf }, cancellationToken: token).ResponseAsync,
                r => r.RegionError,
                cancellationToken).ConfigureAwait(false);
            Check(response.Error, "scan");
            pairs.AddRange(response.Kvs);
            if (region.Region.EndKey.IsEmpty)
            {
                break; // the last region
            }

            from = region.Region.EndKey;
        }

        return pairs;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_owned is not null)
        {
            _sender.Dispose();
            _owned.Dispose();
        }
    }

    private static void Check(string error, string what)
    {
        if (!string.IsNullOrEmpty(error))
        {
            throw new RawKvException($"{what}: {error}");
        }
    }

}

/// <summary>A store refused a raw request (an error in the response, not a region error).</summary>
public sealed class RawKvException : Exception
{
    /// <summary>An error without details.</summary>
    public RawKvException()
    {
    }

    /// <summary>An error saying <paramref name="message"/>.</summary>
    public RawKvException(string message)
        : base(message)
    {
    }

    /// <summary>An error saying <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public RawKvException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
