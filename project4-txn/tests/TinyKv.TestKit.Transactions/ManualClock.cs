namespace TinyKv.TestKit.Transactions;

/// <summary>
/// A simulated clock in milliseconds that moves only when told to: the
/// <see cref="StepScheduler"/> advances it per step and jumps it to the next wake-up when
/// every flow sleeps. Feed it to a <c>ClockOracle</c> for timestamps whose physical part (and
/// so every lock's time to live) follows simulated time.
/// </summary>
public sealed class ManualClock
{
    /// <summary>A clock standing at <paramref name="startMilliseconds"/>.</summary>
    public ManualClock(ulong startMilliseconds = 0) => NowMilliseconds = startMilliseconds;

    /// <summary>The current simulated time.</summary>
    public ulong NowMilliseconds { get; private set; }

    /// <summary>Moves the clock forward by <paramref name="milliseconds"/>.</summary>
    public void Advance(ulong milliseconds) => NowMilliseconds = checked(NowMilliseconds + milliseconds);

    /// <summary>Moves the clock forward to <paramref name="milliseconds"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">That time is in the past: the clock never goes back.</exception>
    public void AdvanceTo(ulong milliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, NowMilliseconds);
        NowMilliseconds = milliseconds;
    }
}
