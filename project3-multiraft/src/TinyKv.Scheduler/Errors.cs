using TinyKv.Proto.Metapb;

namespace TinyKv.Scheduler;

/// <summary>A request the scheduler refuses; the message says why in the handout's words.</summary>
public class SchedulerException : Exception
{
    public SchedulerException()
    {
    }

    public SchedulerException(string message)
        : base(message)
    {
    }

    public SchedulerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A request names a store the scheduler does not know.</summary>
public sealed class StoreNotFoundException : SchedulerException
{
    public StoreNotFoundException()
    {
    }

    public StoreNotFoundException(string message)
        : base(message)
    {
    }

    public StoreNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreNotFoundException(ulong storeId)
        : base($"store {storeId} not found")
    {
        StoreId = storeId;
    }

    /// <summary>The store asked for.</summary>
    public ulong StoreId { get; }
}

/// <summary>
/// A region heartbeat carries an epoch older than what the scheduler already knows for that
/// range: a newer split or membership change has been reported, so this report is out of date
/// and must not overwrite it.
/// </summary>
public sealed class StaleRegionException : SchedulerException
{
    public StaleRegionException()
    {
    }

    public StaleRegionException(string message)
        : base(message)
    {
    }

    public StaleRegionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error for a heartbeat of <paramref name="region"/> older than <paramref name="known"/>.</summary>
    public StaleRegionException(Region region, Region known)
        : base(Describe(region, known))
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(known);
        RegionId = region.Id;
        KnownRegionId = known.Id;
    }

    /// <summary>The region the stale heartbeat reported.</summary>
    public ulong RegionId { get; }

    /// <summary>The known region whose epoch is newer (the same region, or one the heartbeat's range overlaps).</summary>
    public ulong KnownRegionId { get; }

    private static string Describe(Region region, Region known)
    {
        var (seen, newer) = (region.RegionEpoch ?? new RegionEpoch(), known.RegionEpoch ?? new RegionEpoch());
        var what = seen.Version < newer.Version ? "version" : "conf_ver";
        var against = region.Id == known.Id ? "its last report" : $"region {known.Id}, which it overlaps";
        return $"stale heartbeat of region {region.Id}: epoch (version {seen.Version}, conf_ver {seen.ConfVer}) has an older {what} than {against} (version {newer.Version}, conf_ver {newer.ConfVer})";
    }
}
