namespace TinyKv.Scheduler.Tso;

/// <summary>
/// The wall clock the timestamp oracle reads, in Unix milliseconds. A server passes the system
/// clock; tests pass a clock they move by hand, backwards too. The oracle never trusts it to
/// move forward.
/// </summary>
public interface IPhysicalClock
{
    /// <summary>Milliseconds since the Unix epoch, as the clock currently says.</summary>
    long UnixMillis { get; }
}
