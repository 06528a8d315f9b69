using TinyKv.Scheduler.Tso;

namespace TinyKv.SchedulerServer;

/// <summary>The wall clock the timestamp oracle reads in a real server.</summary>
public sealed class SystemClock : IPhysicalClock
{
    /// <inheritdoc />
    public long UnixMillis => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
