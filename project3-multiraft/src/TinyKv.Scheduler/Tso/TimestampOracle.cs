using TinyKv.Scheduler.Storage;

namespace TinyKv.Scheduler.Tso;

/// <summary>
/// The timestamp oracle (TSO): hands out strictly increasing timestamps, physical milliseconds
/// plus a logical counter, for transactions' start and commit versions.
/// </summary>
/// <remarks>
/// <para>
/// Restarts and clocks that step back must never make a timestamp repeat. So the oracle keeps a
/// persisted upper bound, saved <em>ahead of time</em>: no physical part handed out ever reaches
/// the saved bound, and a restarted oracle starts above it. Saving a bound a few seconds ahead
/// means one storage write every few seconds, not one per request.
/// </para>
/// <para>
/// <see cref="Initialize"/> once, then <see cref="UpdateTimestamp"/> every
/// <see cref="UpdateInterval"/> on the scheduler's loop to follow the wall clock;
/// <see cref="GetTimestamp"/> serves requests in between. Not thread-safe.
/// </para>
/// </remarks>
public sealed class TimestampOracle
{
    /// <summary>How often <see cref="UpdateTimestamp"/> should run.</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The default distance the saved bound keeps ahead of the physical part.</summary>
    public static readonly TimeSpan DefaultSaveAhead = TimeSpan.FromSeconds(3);

    /// <summary>A physical part closer than this to the saved bound triggers a new save.</summary>
    private const long GuardMillis = 1;

    private readonly SchedulerStorage _storage;
    private readonly IPhysicalClock _clock;
    private readonly long _saveAheadMillis;
    private Timestamp _current;
    private long _savedBound;
    private bool _initialized;

    /// <summary>Creates an oracle over <paramref name="storage"/> reading <paramref name="clock"/>.</summary>
    /// <param name="saveAhead">How far ahead of the physical part the bound is saved (default <see cref="DefaultSaveAhead"/>).</param>
    public TimestampOracle(SchedulerStorage storage, IPhysicalClock clock, TimeSpan? saveAhead = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(clock);
        _storage = storage;
        _clock = clock;
        _saveAheadMillis = (long)(saveAhead ?? DefaultSaveAhead).TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(_saveAheadMillis, 2 * GuardMillis, nameof(saveAhead));
    }

    /// <summary>The bound last saved (Unix ms): every physical part handed out is below it.</summary>
    public long SavedBound => _savedBound;

    /// <summary>The oracle's current timestamp (the last one handed out is at most this).</summary>
    public Timestamp Current => _current;

    /// <summary>
    /// Starts the oracle: the physical part becomes the wall clock, or just above the bound a
    /// previous oracle saved if the clock is behind it; a new bound is saved before any timestamp
    /// goes out.
    /// </summary>
    public void Initialize()
    {
        var last = _storage.LoadTimestampBound();
        var next = _clock.UnixMillis;
        if (next - last < GuardMillis)
        {
            next = last + GuardMillis;
        }

        Save(next + _saveAheadMillis);
        _current = new Timestamp(next, 0);
        _initialized = true;
    }

    /// <summary>
    /// Moves the physical part up to the wall clock if the clock has moved ahead, or by a
    /// millisecond if half the logical space is used; extends the saved bound when the physical
    /// part comes near it. A clock that stepped back changes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not initialized.</exception>
    public void UpdateTimestamp()
    {
        EnsureInitialized();
        var now = _clock.UnixMillis;
        long next;
        if (now - _current.Physical > GuardMillis)
        {
            next = now;
        }
        else if (_current.Logical > Timestamp.MaxLogical / 2)
        {
            next = _current.Physical + 1;
        }
        else
        {
            return;
        }

        Advance(next);
    }

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive timestamps and returns the last of them
    /// (the caller may use the <paramref name="count"/> - 1 just below it). Strictly above every
    /// timestamp handed out before, across restarts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is 0 or not below the logical space.</exception>
    /// <exception cref="InvalidOperationException">Not initialized.</exception>
    public Timestamp GetTimestamp(uint count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((long)count, Timestamp.MaxLogical);
        EnsureInitialized();
        if (_current.Logical + count >= Timestamp.MaxLogical)
        {
            // The logical space of this millisecond is used up before the next update came:
            // move to the next millisecond rather than make the caller wait.
            Advance(_current.Physical + 1);
        }

        _current = _current with { Logical = _current.Logical + count };
        return _current;
    }

    private void Advance(long nextPhysical)
    {
        if (_savedBound - nextPhysical <= GuardMillis)
        {
            Save(nextPhysical + _saveAheadMillis);
        }

        _current = new Timestamp(nextPhysical, 0);
    }

    private void Save(long bound)
    {
        _storage.SaveTimestampBound(bound);
        _savedBound = bound;
    }

    private void EnsureInitialized()
    {
        if (!_initialized)
        {
            throw new InvalidOperationException("the timestamp oracle is not initialized; call Initialize first");
        }
    }
}
