using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Proto.Kvrpcpb;
using RegionError = TinyKv.Proto.Errorpb.Error;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Client.Regions;

/// <summary>
/// Sends a request for one key to the store that leads the key's region, as TinyKV's clients do:
/// it stamps the region's id, epoch and peer into the request's <see cref="Context"/>, and on a
/// region error in the answer it corrects its <see cref="RegionCache"/> and tries again —
/// NotLeader (to the named leader, or the next peer), EpochNotMatch (with the regions the store
/// reports), RegionNotFound, KeyNotInRegion and StaleCommand (the region is asked for again) —
/// waiting between attempts (doubling, bounded) up to a limited number of attempts. A store that
/// does not answer counts as a lost leader; a key with no region yet (a cluster that is still
/// starting) or a scheduler that does not answer is tried again the same way.
/// </summary>
/// <remarks>Thread-safe; one gRPC channel per store address, kept until disposal.</remarks>
public sealed class RegionRequestSender : IDisposable
{
    private readonly IRegionDirectory _directory;
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();

    /// <summary>A sender that locates regions through <paramref name="directory"/>.</summary>
    public RegionRequestSender(IRegionDirectory directory, RegionClientOptions? options = null)
    {
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        Options = options ?? new RegionClientOptions();
        Cache = new RegionCache(directory);
    }

    /// <summary>The regions this sender knows.</summary>
    public RegionCache Cache { get; }

    /// <summary>The retry policy.</summary>
    public RegionClientOptions Options { get; }

    /// <summary>
    /// Calls <paramref name="call"/> at the leader of <paramref name="key"/>'s region with the
    /// region's context until the answer carries no region error (per <paramref name="regionErrorOf"/>);
    /// returns that answer and the region it came from.
    /// </summary>
    /// <exception cref="RegionUnavailableException">No attempt succeeded within <see cref="RegionClientOptions.MaxAttempts"/>.</exception>
    public async Task<(T Response, RegionLocation Region)> SendAsync<T>(
        ReadOnlyMemory<byte> key,
        Func<TinyKvClient, Context, CancellationToken, Task<T>> call,
        Func<T, RegionError?> regionErrorOf,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(regionErrorOf);
        var wait = Options.InitialBackoff;
        string? last = null;
        for (var attempt = 0; attempt < Options.MaxAttempts; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, Options.MaxBackoff.Ticks));
            }

            RegionLocation location;
            try
            {
                location = await Cache.LocateAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RegionUnavailableException or RpcException && !cancellationToken.IsCancellationRequested)
            {
                last = ex.Message; // a cluster still starting has no region yet; a scheduler may be away a moment
                continue;
            }

            var region = location.Region;
            var peer = location.Leader ?? region.Peers[attempt % region.Peers.Count];
            if (await _directory.StoreAddressAsync(peer.StoreId, cancellationToken).ConfigureAwait(false) is not { } address)
            {
                last = $"store {peer.StoreId} of region {region.Id} has no address";
                Cache.Invalidate(region.Id);
                continue;
            }

            var context = new Context { RegionId = region.Id, RegionEpoch = region.RegionEpoch?.Clone(), Peer = peer.Clone() };
            T response;
            try
            {
                response = await call(ClientFor(address), context, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled && !cancellationToken.IsCancellationRequested)
            {
                last = $"store {peer.StoreId} at {address} did not answer ({ex.StatusCode})";
                Cache.ForgetLeader(region.Id);
                (_directory as SchedulerDirectory)?.ForgetStore(peer.StoreId);
                continue;
            }

            if (regionErrorOf(response) is not { } error)
            {
                return (response, location);
            }

            last = $"region {region.Id} at store {peer.StoreId}: {Describe(error)}";
            if (error.NotLeader is { } notLeader)
            {
                if (notLeader.Leader is { Id: > 0 } leader)
                {
                    Cache.UpdateLeader(region.Id, leader);
                    wait = Options.InitialBackoff; // a named leader is worth trying at once
                }
                else
                {
                    Cache.ForgetLeader(region.Id);
                }
            }
            else if (error.EpochNotMatch is { CurrentRegions.Count: > 0 } epoch)
            {
                Cache.Invalidate(region.Id);
                Cache.Replace(epoch.CurrentRegions);
            }
            else
            {
                Cache.Invalidate(region.Id);
            }
        }

        throw new RegionUnavailableException($"gave up after {Options.MaxAttempts} attempts; last: {last}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }

    private static string Describe(RegionError error) =>
        error.NotLeader is not null ? "not leader"
        : error.EpochNotMatch is not null ? "epoch not match"
        : error.RegionNotFound is not null ? "region not found"
        : error.KeyNotInRegion is not null ? "key not in region"
        : error.StaleCommand is not null ? "stale command"
        : error.Message;

    private TinyKvClient ClientFor(string address) =>
        new(_channels.GetOrAdd(address, a => GrpcChannel.ForAddress($"http://{a}")));
}

/// <summary>How a region-aware client retries.</summary>
public sealed record RegionClientOptions
{
    /// <summary>Attempts per request before giving up.</summary>
    public int MaxAttempts { get; init; } = 20;

    /// <summary>The first wait between attempts; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(1);
}
