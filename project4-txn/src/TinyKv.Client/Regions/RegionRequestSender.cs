using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Client.Scheduling;
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
        where T : class
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(regionErrorOf);
        var retry = new Retry(Options);
        for (var attempt = 0; attempt < Options.MaxAttempts; attempt++)
        {
            await retry.PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
            if (await LocateOrNoteAsync(key, retry, cancellationToken).ConfigureAwait(false) is not { } location)
            {
                continue;
            }

            if (await TryAsync(location, attempt, call, regionErrorOf, retry, cancellationToken).ConfigureAwait(false) is { } done)
            {
                return (done, location);
            }
        }

        throw retry.GaveUp();
    }

    /// <summary>
    /// Sends <paramref name="items"/> (each with a key, per <paramref name="keyOf"/>) in one
    /// request per region, all at once, each to its region's leader with the region's context and
    /// only the items of that region. The items of a region whose answer carries a region error
    /// are grouped again by the regions known then and sent again, until every item was answered.
    /// Returns the answers, one per request that succeeded, with the items it carried.
    /// </summary>
    /// <exception cref="RegionUnavailableException">Some items found no answer within <see cref="RegionClientOptions.MaxAttempts"/>.</exception>
    public async Task<IReadOnlyList<(T Response, IReadOnlyList<TItem> Items)>> SendGroupedAsync<TItem, T>(
        IReadOnlyList<TItem> items,
        Func<TItem, ReadOnlyMemory<byte>> keyOf,
        Func<TinyKvClient, Context, IReadOnlyList<TItem>, CancellationToken, Task<T>> call,
        Func<T, RegionError?> regionErrorOf,
        CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(keyOf);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(regionErrorOf);
        var answers = new List<(T, IReadOnlyList<TItem>)>();
        var pending = items.ToList();
        var retry = new Retry(Options);
        for (var attempt = 0; attempt < Options.MaxAttempts && pending.Count > 0; attempt++)
        {
            await retry.PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
            var groups = new List<(RegionLocation Location, List<TItem> Items)>();
            var unplaced = new List<TItem>();
            foreach (var item in pending)
            {
                var key = keyOf(item);
                if (groups.Find(g => g.Location.Contains(key.Span)) is { Items: not null } group)
                {
                    group.Items.Add(item);
                }
                else if (await LocateOrNoteAsync(key, retry, cancellationToken).ConfigureAwait(false) is { } location)
                {
                    groups.Add((location, [item]));
                }
                else
                {
                    unplaced.Add(item);
                }
            }

            var tries = groups.Select(g => TryAsync(g.Location, attempt, (client, context, token) => call(client, context, g.Items, token), regionErrorOf, retry, cancellationToken)).ToList();
            var outcomes = await Task.WhenAll(tries).ConfigureAwait(false);
            pending = unplaced;
            for (var i = 0; i < groups.Count; i++)
            {
                if (outcomes[i] is { } done)
                {
                    answers.Add((done, groups[i].Items));
                }
                else
                {
                    pending.AddRange(groups[i].Items);
                }
            }
        }

        return pending.Count == 0 ? answers : throw retry.GaveUp();
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

    // The region of `key`, or null (noted in `retry`) when none is known yet or the scheduler is away.
    private async Task<RegionLocation?> LocateOrNoteAsync(ReadOnlyMemory<byte> key, Retry retry, CancellationToken cancellationToken)
    {
        try
        {
            return await Cache.LocateAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RegionUnavailableException or RpcException or SchedulerUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            retry.Note(ex.Message); // a cluster still starting has no region yet; a scheduler may be away a moment
            return null;
        }
    }

    // One attempt at the region's leader (or, not knowing it, at a peer chosen by the attempt's
    // number): the answer, or null after correcting the cache by the region error or failure.
    private async Task<T?> TryAsync<T>(
        RegionLocation location,
        int attempt,
        Func<TinyKvClient, Context, CancellationToken, Task<T>> call,
        Func<T, RegionError?> regionErrorOf,
        Retry retry,
        CancellationToken cancellationToken)
        where T : class
    {
        var region = location.Region;
        var peer = location.Leader ?? region.Peers[attempt % region.Peers.Count];
        string? address;
        try
        {
            address = await _directory.StoreAddressAsync(peer.StoreId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or SchedulerUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            retry.Note($"the address of store {peer.StoreId}: {ex.Message}");
            return null;
        }

        if (address is null)
        {
            retry.Note($"store {peer.StoreId} of region {region.Id} has no address");
            Cache.Invalidate(region.Id);
            return null;
        }

        var context = new Context { RegionId = region.Id, RegionEpoch = region.RegionEpoch?.Clone(), Peer = peer.Clone() };
        T response;
        try
        {
            response = await call(ClientFor(address), context, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled && !cancellationToken.IsCancellationRequested)
        {
            retry.Note($"store {peer.StoreId} at {address} did not answer ({ex.StatusCode})");
            Cache.ForgetLeader(region.Id);
            _directory.StoreUnreachable(peer.StoreId);
            return null;
        }

        if (regionErrorOf(response) is not { } error)
        {
            return response;
        }

        retry.Note($"region {region.Id} at store {peer.StoreId}: {Describe(error)}");
        if (error.NotLeader is { } notLeader)
        {
            if (notLeader.Leader is { Id: > 0 } leader)
            {
                Cache.UpdateLeader(region.Id, leader);
                retry.AtOnce(); // a named leader is worth trying at once
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

        return null;
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

    // The waits between attempts (doubling, bounded; none before the first, none after a named
    // leader) and the last reason an attempt failed.
    private sealed class Retry(RegionClientOptions options)
    {
        private TimeSpan _wait = options.InitialBackoff;
        private bool _atOnce;
        private string? _last;

        public async Task PauseAsync(int attempt, CancellationToken cancellationToken)
        {
            if (attempt == 0)
            {
                return;
            }

            if (_atOnce)
            {
                _atOnce = false;
                _wait = options.InitialBackoff;
            }

            await Task.Delay(_wait, cancellationToken).ConfigureAwait(false);
            _wait = TimeSpan.FromTicks(Math.Min(_wait.Ticks * 2, options.MaxBackoff.Ticks));
        }

        public void AtOnce() => _atOnce = true;

        public void Note(string reason) => Volatile.Write(ref _last, reason);

        public RegionUnavailableException GaveUp() => new($"gave up after {options.MaxAttempts} attempts; last: {Volatile.Read(ref _last)}");
    }
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
