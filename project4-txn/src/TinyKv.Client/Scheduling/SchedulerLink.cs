using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Client.Scheduling;

/// <summary>
/// A line to the scheduler of one cluster, shared by everything that talks to it (a store, the
/// region cache, the timestamp oracle, <c>tinykv-ctl</c>): it knows the scheduler's members,
/// finds the leader with <c>GetMembers</c>, learns the cluster id once and sends it in every
/// request header, and follows the leader when it moves. It also keeps the addresses of the
/// cluster's stores (<c>GetStore</c>) until a store turns out to be gone.
/// </summary>
/// <remarks>
/// <para>
/// The scheduler's contract, as PD's: <c>GetMembers</c> is answered by every member, naming the
/// leader; every other call on a member that does not lead fails with gRPC <c>UNAVAILABLE</c>
/// ("not leader"), as does a call to a member that is down. <see cref="CallAsync{T}"/> then asks
/// the members for the leader again and retries, waiting between rounds, for up to
/// <see cref="SchedulerLinkOptions.Patience"/>. A single scheduler is its own leader.
/// </para>
/// <para>
/// A member answering with another cluster's id is an error, never followed: stores and clients
/// must not mix clusters. Thread-safe; one gRPC channel per member address, kept until disposal.
/// </para>
/// </remarks>
public sealed class SchedulerLink : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly ConcurrentDictionary<ulong, string> _storeAddresses = new();
    private readonly SemaphoreSlim _discovery = new(1, 1);
    private volatile Leader? _leader;
    private ulong _clusterId;

    /// <summary>A link to the scheduler whose members serve at <paramref name="endpoints"/> (nothing is sent yet).</summary>
    /// <exception cref="ArgumentException">No endpoint is given.</exception>
    public SchedulerLink(IReadOnlyList<Uri> endpoints, SchedulerLinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("a scheduler link needs at least one scheduler address", nameof(endpoints));
        }

        Endpoints = [.. endpoints];
        Options = options ?? new SchedulerLinkOptions();
    }

    /// <summary>The members given at the start.</summary>
    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>How long calls wait and retry.</summary>
    public SchedulerLinkOptions Options { get; }

    /// <summary>The cluster id, 0 until a member answered.</summary>
    public ulong ClusterId => Volatile.Read(ref _clusterId);

    /// <summary>The member that led at the last look, or null before the first.</summary>
    public Uri? LeaderAddress => _leader?.Address;

    /// <summary>The header a request carries (the cluster id, once known).</summary>
    public RequestHeader Header => new() { ClusterId = ClusterId };

    /// <summary>
    /// Parses a comma-separated list of scheduler addresses (host:port or URLs) into endpoints.
    /// </summary>
    /// <exception cref="FormatException">The list is empty or an address is not valid.</exception>
    public static IReadOnlyList<Uri> ParseEndpoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var endpoints = new List<Uri>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var url = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0 || uri.AbsolutePath != "/")
            {
                throw new FormatException($"scheduler address '{part}' is not host:port (e.g. 127.0.0.1:2379) or an http URL");
            }

            endpoints.Add(uri);
        }

        return endpoints.Count > 0 ? endpoints : throw new FormatException("no scheduler address given (host:port, several separated by commas)");
    }

    /// <summary>
    /// Finds the leader and learns the cluster id, trying for up to <see cref="SchedulerLinkOptions.Patience"/>.
    /// </summary>
    /// <exception cref="SchedulerUnavailableException">No member named a leader in time, or a member serves another cluster.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default) =>
        await LeaderAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Calls <paramref name="call"/> on the leader with the request header, following the leader
    /// if the member called does not lead or does not answer, until it answers or
    /// <see cref="SchedulerLinkOptions.Patience"/> runs out. Errors in the response header are the
    /// caller's to read.
    /// </summary>
    /// <exception cref="SchedulerUnavailableException">No leader answered in time.</exception>
    /// <exception cref="RpcException">The leader refused the call with a status other than UNAVAILABLE or DEADLINE_EXCEEDED.</exception>
    public async Task<T> CallAsync<T>(Func<SchedulerClient, RequestHeader, CallOptions, Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var deadline = DateTime.UtcNow + Options.Patience;
        string? last = null;
        while (true)
        {
            var leader = await LeaderAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var options = new CallOptions(deadline: DateTime.UtcNow + Options.CallTimeout, cancellationToken: cancellationToken);
                return await call(leader.Client, Header, options).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !cancellationToken.IsCancellationRequested)
            {
                last = $"{leader.Address.Authority}: {ex.StatusCode} ({ex.Status.Detail})";
                LeaderFailed(leader.Address);
                if (DateTime.UtcNow >= deadline)
                {
                    throw new SchedulerUnavailableException($"no scheduler leader answered within {Options.Patience.TotalSeconds:0.#} s; last: {last}", ex);
                }

                await Task.Delay(Options.RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The generated client of the current leader (for streams), finding the leader first if none is known.</summary>
    /// <exception cref="SchedulerUnavailableException">No leader was found in time.</exception>
    public async Task<(SchedulerClient Client, Uri Address)> LeaderClientAsync(CancellationToken cancellationToken = default)
    {
        var leader = await LeaderAsync(cancellationToken).ConfigureAwait(false);
        return (leader.Client, leader.Address);
    }

    /// <summary>Says that the member at <paramref name="address"/> did not answer as leader: the next call looks for the leader again.</summary>
    public void LeaderFailed(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_leader is { } leader && leader.Address == address)
        {
            _leader = null;
        }
    }

    /// <summary>
    /// The address (host:port) of store <paramref name="storeId"/>, from the cache unless
    /// <paramref name="refresh"/>; null when the scheduler does not know the store, or it is a
    /// tombstone or has no address.
    /// </summary>
    /// <exception cref="SchedulerUnavailableException">No leader answered in time.</exception>
    public async Task<string?> StoreAddressAsync(ulong storeId, bool refresh = false, CancellationToken cancellationToken = default)
    {
        if (!refresh && _storeAddresses.TryGetValue(storeId, out var known))
        {
            return known;
        }

        var response = await CallAsync(
            (client, header, options) => client.GetStoreAsync(new GetStoreRequest { Header = header, StoreId = storeId }, options).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        if (response.Header?.Error is { Type: not ErrorType.Ok } || response.Store is not { State: not StoreState.Tombstone, Address.Length: > 0 } store)
        {
            _storeAddresses.TryRemove(storeId, out _);
            return null;
        }

        _storeAddresses[storeId] = store.Address;
        return store.Address;
    }

    /// <summary>The address kept for store <paramref name="storeId"/>, without asking the scheduler; null if none is kept.</summary>
    public string? CachedStoreAddress(ulong storeId) => _storeAddresses.GetValueOrDefault(storeId);

    /// <summary>Forgets store <paramref name="storeId"/>'s address (a connection to it failed: it may have moved).</summary>
    public void ForgetStore(ulong storeId) => _storeAddresses.TryRemove(storeId, out _);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
        _discovery.Dispose();
    }

    private async Task<Leader> LeaderAsync(CancellationToken cancellationToken)
    {
        if (_leader is { } known)
        {
            return known;
        }

        await _discovery.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _leader ?? await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _discovery.Release();
        }
    }

    // Asks the members, the last known leader's first, for the leader, round after round.
    private async Task<Leader> DiscoverAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Options.Patience;
        string? last = null;
        while (true)
        {
            foreach (var member in Endpoints)
            {
                GetMembersResponse members;
                try
                {
                    members = await ClientOf(member).GetMembersAsync(
                        new GetMembersRequest { Header = new RequestHeader() },
                        new CallOptions(deadline: DateTime.UtcNow + Options.CallTimeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    last = $"{member.Authority}: {ex.StatusCode} ({ex.Status.DebugException?.GetBaseException().Message ?? ex.Status.Detail})";
                    continue;
                }

                var clusterId = members.Header?.ClusterId ?? 0;
                if (clusterId == 0)
                {
                    last = $"{member.Authority} answered GetMembers without a cluster id";
                    continue;
                }

                var previous = Interlocked.CompareExchange(ref _clusterId, clusterId, 0);
                if (previous != 0 && previous != clusterId)
                {
                    throw new SchedulerUnavailableException(
                        $"the scheduler at {member.Authority} serves cluster {clusterId}, not cluster {previous} this link serves: the addresses name two clusters");
                }

                if (LeaderUrl(members, member) is not { } leaderUrl)
                {
                    last = $"{member.Authority} knows no leader yet";
                    continue;
                }

                var leader = new Leader(leaderUrl, ClientOf(leaderUrl));
                _leader = leader;
                return leader;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new SchedulerUnavailableException($"no scheduler leader found at {string.Join(", ", Endpoints.Select(e => e.Authority))} within {Options.Patience.TotalSeconds:0.#} s; last: {last}");
            }

            await Task.Delay(Options.RetryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    // The leader's first client URL; a single scheduler that names no leader leads itself.
    private Uri? LeaderUrl(GetMembersResponse members, Uri asked)
    {
        if (members.Leader is { ClientUrls.Count: > 0 } leader && Uri.TryCreate(leader.ClientUrls[0], UriKind.Absolute, out var url))
        {
            return url;
        }

        return members.Leader is null && members.Members.Count <= 1 && Endpoints.Count == 1 ? asked : null;
    }

    private SchedulerClient ClientOf(Uri address) =>
        new(_channels.GetOrAdd(address.GetLeftPart(UriPartial.Authority), a => GrpcChannel.ForAddress(a)));

    private sealed record Leader(Uri Address, SchedulerClient Client);
}

/// <summary>How a <see cref="SchedulerLink"/> waits.</summary>
public sealed record SchedulerLinkOptions
{
    /// <summary>How long one call may take.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a call keeps looking for a leader that answers before it gives up.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The pause between rounds of asking the members.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>No scheduler leader answered within the link's patience, or the members given serve different clusters.</summary>
public sealed class SchedulerUnavailableException : Exception
{
    /// <summary>An error without details.</summary>
    public SchedulerUnavailableException()
    {
    }

    /// <summary>An error saying <paramref name="message"/>.</summary>
    public SchedulerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>An error saying <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SchedulerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
