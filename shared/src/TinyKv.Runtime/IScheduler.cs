namespace TinyKv.Runtime;

/// <summary>
/// Time and scheduling for the state machines of a store: the one place they read the clock
/// and defer work. In tests the deterministic simulator implements it (virtual time that jumps
/// to the next event, one queue ordered by time then posting order); in a server a real loop
/// does. Code written against it never touches the wall clock, threads or timers.
/// </summary>
/// <remarks>
/// Concurrency rule: every action runs on the scheduler's own loop, one at a time, so actions
/// need no locks among themselves. Callers outside that loop must not call these members.
/// </remarks>
public interface IScheduler
{
    /// <summary>Microseconds since the scheduler started (virtual in the simulator). Never moves back.</summary>
    long Now { get; }

    /// <summary>
    /// Runs <paramref name="action"/> once, <paramref name="delayMicros"/> microseconds from
    /// <see cref="Now"/>; actions due at the same time run in the order they were scheduled.
    /// </summary>
    /// <returns>A handle that cancels the action while it has not run yet.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delayMicros"/> is negative.</exception>
    ITimerHandle Schedule(long delayMicros, Action action);

    /// <summary>
    /// Runs <paramref name="action"/> as soon as possible: at the current time, after every
    /// action already due at this time.
    /// </summary>
    void Post(Action action);
}
