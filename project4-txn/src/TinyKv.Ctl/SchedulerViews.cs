using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;

namespace TinyKv.Ctl;

/// <summary>
/// A store as <c>tinykv-ctl scheduler stores</c> shows it: its metadata and the statistics of its
/// last store heartbeat (empty before the first), with the regions it holds a peer of and the
/// regions it leads, counted from the scheduler's region map.
/// </summary>
public sealed record StoreView(Store Meta, StoreStats Stats, int RegionCount, int LeaderCount);

/// <summary>A region and its leader (null when the scheduler knows of none).</summary>
public sealed record RegionView(Region Meta, Peer? Leader);

/// <summary>The running or recently ended operator of a region, as <c>GetOperator</c> describes it.</summary>
public sealed record OperatorView(ulong RegionId, string Kind, string Description, OperatorStatus Status);

/// <summary>A query to the scheduler failed; the message is one line, fit to print as it is.</summary>
public sealed class SchedulerQueryException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public SchedulerQueryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and the failure behind it.</summary>
    public SchedulerQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public SchedulerQueryException()
    {
    }
}
