using RegionError = TinyKv.Proto.Errorpb.Error;

namespace TinyKv.Bench.Targets;

/// <summary>
/// Which endpoint one client sends to, and where it goes after a failed attempt. Only a TinyKV
/// leader serves requests; a follower answers with a NotLeader region error, naming the leader
/// when it knows it. The router moves to the named leader's address (by store id in the
/// endpoint list), and to the next endpoint when no leader is named, the named store is not in
/// the list, the server is unreachable, or it holds no peer of the region.
/// </summary>
/// <remarks>Not thread-safe: one per client.</remarks>
public sealed class LeaderRouter
{
    private readonly EndpointList _endpoints;

    /// <summary>A router starting at endpoint <paramref name="startIndex"/> (taken modulo the count).</summary>
    public LeaderRouter(EndpointList endpoints, int startIndex)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfNegative(startIndex);
        _endpoints = endpoints;
        Current = startIndex % endpoints.Count;
    }

    /// <summary>The position in the endpoint list of the endpoint to send to.</summary>
    public int Current { get; private set; }

    /// <summary>The endpoint to send to.</summary>
    public Endpoint CurrentEndpoint => _endpoints.All[Current];

    /// <summary>
    /// Moves after a region error. Returns <see cref="RetryHint.ToLeader"/> when it moved to the
    /// leader the error named (retry at once), <see cref="RetryHint.Elsewhere"/> when it moved to
    /// another endpoint without knowing it leads, and <see cref="RetryHint.Again"/> when the same
    /// server should be asked again (a command dropped by a leader change, a region epoch that moved).
    /// </summary>
    public RetryHint OnRegionError(RegionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.NotLeader is { } notLeader)
        {
            var leader = _endpoints.IndexOfStore(notLeader.Leader?.StoreId ?? 0);
            if (leader >= 0 && leader != Current)
            {
                Current = leader;
                return RetryHint.ToLeader;
            }

            MoveNext();
            return RetryHint.Elsewhere;
        }

        if (error.StaleCommand is not null || error.EpochNotMatch is not null)
        {
            return RetryHint.Again;
        }

        MoveNext();
        return RetryHint.Elsewhere;
    }

    /// <summary>Moves to the next endpoint after the current one did not answer.</summary>
    public void OnUnreachable() => MoveNext();

    private void MoveNext() => Current = (Current + 1) % _endpoints.Count;
}

/// <summary>What a client does after <see cref="LeaderRouter"/> handled a failed attempt.</summary>
public enum RetryHint
{
    /// <summary>Retry at once: the router moved to the leader a region error named.</summary>
    ToLeader,

    /// <summary>Retry after a short wait at the endpoint the router moved to (an election may be under way).</summary>
    Elsewhere,

    /// <summary>Retry after a short wait at the same endpoint.</summary>
    Again,
}
