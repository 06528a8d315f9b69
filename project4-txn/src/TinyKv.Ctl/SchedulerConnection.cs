using Google.Protobuf;
using Grpc.Core;
using TinyKv.Client.Scheduling;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Ctl;

/// <summary>
/// A read-only session with a <c>tinyscheduler-server</c> over a <see cref="SchedulerLink"/>: it
/// finds the leader and learns the cluster id from <c>GetMembers</c>, as a store does, and then
/// asks the leader for stores, regions and operators with that id in every request header.
/// </summary>
/// <remarks>
/// Every failure becomes a <see cref="SchedulerQueryException"/> with a one-line message: a server
/// that cannot be reached or does not answer within <see cref="CallTimeout"/>, a cluster that is
/// not bootstrapped, any other error the scheduler puts in a response header or status.
/// </remarks>
public sealed class SchedulerConnection : IDisposable
{
    /// <summary>How long one call may take before the query gives up.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a query looks for a scheduler leader that answers (a member down, a leader moving).</summary>
    public static readonly TimeSpan LeaderPatience = TimeSpan.FromSeconds(3);

    /// <summary>How many regions one <c>ScanRegions</c> call asks for when a scan has more to read.</summary>
    public const int ScanPage = 1000;

    /// <summary>How many <c>GetOperator</c> calls are in flight at once when every region is asked.</summary>
    private const int OperatorQueries = 16;

    private readonly SchedulerLink _link;
    private readonly string _address;

    private SchedulerConnection(SchedulerLink link, string address)
    {
        _link = link;
        _address = address;
    }

    /// <summary>The id of the scheduler's cluster, sent in every request.</summary>
    public ulong ClusterId => _link.ClusterId;

    /// <summary>
    /// Opens a session with the scheduler at <paramref name="address"/> (host:port or a URL; the
    /// members of a highly available scheduler separated by commas), finds its leader and learns
    /// the cluster id.
    /// </summary>
    /// <exception cref="SchedulerQueryException">The address is malformed, or no scheduler leader can be reached.</exception>
    public static async Task<SchedulerConnection> ConnectAsync(string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        IReadOnlyList<Uri> endpoints;
        try
        {
            endpoints = SchedulerLink.ParseEndpoints(address);
        }
        catch (FormatException ex)
        {
            throw new SchedulerQueryException($"bad scheduler address '{address}': {ex.Message}", ex);
        }

        var link = new SchedulerLink(endpoints, new SchedulerLinkOptions { CallTimeout = CallTimeout, Patience = LeaderPatience });
        try
        {
            await Call(address, async token =>
            {
                await link.ConnectAsync(token).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return new SchedulerConnection(link, address);
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every store, tombstones included, in id order, with the statistics of its last heartbeat and
    /// its region and leader counts from a scan of every region.
    /// </summary>
    /// <exception cref="SchedulerQueryException">The query failed.</exception>
    public async Task<IReadOnlyList<StoreView>> GetStoresAsync(CancellationToken cancellationToken = default)
    {
        var all = await Call(token => _link.CallAsync((c, h, o) => c.GetAllStoresAsync(new GetAllStoresRequest { Header = h }, o).ResponseAsync, token), cancellationToken).ConfigureAwait(false);
        Check(all.Header);
        var regions = await ScanRegionsAsync(ByteString.Empty, 0, cancellationToken).ConfigureAwait(false);
        var peers = regions.SelectMany(r => r.Meta.Peers).CountBy(p => p.StoreId).ToDictionary();
        var leaders = regions.Where(r => r.Leader is not null).CountBy(r => r.Leader!.StoreId).ToDictionary();

        var stores = new List<StoreView>();
        foreach (var store in all.Stores.OrderBy(s => s.Id))
        {
            var response = await Call(token => _link.CallAsync((c, h, o) => c.GetStoreAsync(new GetStoreRequest { Header = h, StoreId = store.Id }, o).ResponseAsync, token), cancellationToken).ConfigureAwait(false);
            Check(response.Header);
            stores.Add(new StoreView(response.Store ?? store, response.Stats ?? new StoreStats(), peers.GetValueOrDefault(store.Id), leaders.GetValueOrDefault(store.Id)));
        }

        return stores;
    }

    /// <summary>
    /// Regions in key order from the one holding <paramref name="startKey"/> on, at most
    /// <paramref name="limit"/> of them (0: all), read in pages of <see cref="ScanPage"/>.
    /// </summary>
    /// <exception cref="SchedulerQueryException">The query failed.</exception>
    public async Task<IReadOnlyList<RegionView>> ScanRegionsAsync(ByteString startKey, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var regions = new List<RegionView>();
        var next = startKey;
        while (limit == 0 || regions.Count < limit)
        {
            var page = limit == 0 ? ScanPage : Math.Min(ScanPage, limit - regions.Count);
            var from = next;
            var response = await Call(token => _link.CallAsync((c, h, o) => c.ScanRegionsAsync(new ScanRegionsRequest { Header = h, StartKey = from, Limit = page }, o).ResponseAsync, token), cancellationToken).ConfigureAwait(false);
            Check(response.Header);
            for (var i = 0; i < response.Regions.Count; i++)
            {
                var leader = i < response.Leaders.Count && response.Leaders[i].Id != 0 ? response.Leaders[i] : null;
                regions.Add(new RegionView(response.Regions[i], leader));
            }

            // A short page, or a region that reaches the end of the key space, ends the scan.
            if (response.Regions.Count < page || response.Regions[^1].EndKey.IsEmpty)
            {
                break;
            }

            next = response.Regions[^1].EndKey;
        }

        return regions;
    }

    /// <summary>Region <paramref name="regionId"/>, or null if the scheduler does not know it.</summary>
    /// <exception cref="SchedulerQueryException">The query failed.</exception>
    public async Task<RegionView?> GetRegionAsync(ulong regionId, CancellationToken cancellationToken = default)
    {
        var response = await Call(token => _link.CallAsync((c, h, o) => c.GetRegionByIDAsync(new GetRegionByIDRequest { Header = h, RegionId = regionId }, o).ResponseAsync, token), cancellationToken).ConfigureAwait(false);
        Check(response.Header);
        return response.Region is { Id: not 0 } region ? new RegionView(region, response.Leader is { Id: not 0 } leader ? leader : null) : null;
    }

    /// <summary>The running or recently ended operator of region <paramref name="regionId"/>, or null if it has none.</summary>
    /// <exception cref="SchedulerQueryException">The query failed.</exception>
    public async Task<OperatorView?> GetOperatorAsync(ulong regionId, CancellationToken cancellationToken = default)
    {
        var response = await Call(token => _link.CallAsync((c, h, o) => c.GetOperatorAsync(new GetOperatorRequest { Header = h, RegionId = regionId }, o).ResponseAsync, token), cancellationToken).ConfigureAwait(false);
        if (response.Header?.Error is { Type: ErrorType.RegionNotFound })
        {
            return null; // The scheduler's answer for a region without an operator.
        }

        Check(response.Header);
        return new OperatorView(response.RegionId, response.Kind.ToStringUtf8(), response.Desc.ToStringUtf8(), response.Status);
    }

    /// <summary>The operators of <paramref name="regions"/>, in the order given, asking a few regions at a time.</summary>
    /// <exception cref="SchedulerQueryException">A query failed.</exception>
    public async Task<IReadOnlyList<OperatorView>> GetOperatorsAsync(IReadOnlyList<RegionView> regions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var found = new OperatorView?[regions.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = OperatorQueries, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, regions.Count), options, async (i, token) =>
            found[i] = await GetOperatorAsync(regions[i].Meta.Id, token).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. found.OfType<OperatorView>()];
    }

    /// <inheritdoc />
    public void Dispose() => _link.Dispose();

    private Task<T> Call<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) => Call(_address, call, cancellationToken);

    private static async Task<T> Call<T>(string address, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerUnavailableException ex)
        {
            throw new SchedulerQueryException($"cannot reach the scheduler at {address}: {ex.Message}", ex);
        }
        catch (RpcException ex)
        {
            throw new SchedulerQueryException(ex.StatusCode switch
            {
                StatusCode.Unavailable => $"cannot reach the scheduler at {address}: {ex.Status.DebugException?.GetBaseException().Message ?? ex.Status.Detail}",
                StatusCode.DeadlineExceeded => $"the scheduler at {address} did not answer within {CallTimeout.TotalSeconds:0} s",
                StatusCode.Cancelled => "cancelled",
                _ => $"the scheduler at {address} refused the request: {ex.StatusCode}: {ex.Status.Detail}",
            }, ex);
        }
    }

    /// <summary>Throws the error a response header carries, if any.</summary>
    private void Check(ResponseHeader? header)
    {
        if (header?.Error is not { } error)
        {
            return;
        }

        throw new SchedulerQueryException(error.Type == ErrorType.NotBootstrapped
            ? $"the cluster of the scheduler at {_address} (id {ClusterId}) is not bootstrapped: no store has joined it yet"
            : $"the scheduler at {_address} answered {error.Type}: {error.Message}");
    }
}
