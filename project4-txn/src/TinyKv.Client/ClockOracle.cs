using TinyKv.Codec;

namespace TinyKv.Client;

/// <summary>
/// A timestamp oracle over a clock: physical milliseconds shifted left by
/// <see cref="PhysicalShiftBits"/>, plus a logical counter in the low bits that counts the
/// timestamps handed out within one millisecond and starts again at 0 when the clock moves on.
/// The server reads lock time-to-live in the same physical part.
/// </summary>
/// <remarks>
/// <para>Never goes backwards: if the clock stands still or steps back, the logical counter keeps
/// counting (carrying into the physical part when it is full), so timestamps still increase.</para>
/// <para>Only clients sharing one instance get a total order. <see cref="System"/> stands in for
/// the scheduler's oracle on one machine: separate processes stay ordered as long as the
/// wall clock moves forward between them.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class ClockOracle : ITimestampOracle
{
    /// <summary>How many low bits hold the logical counter (as in TinyKV's <c>Timestamp</c>).</summary>
    public const int PhysicalShiftBits = TsoLayout.PhysicalShiftBits;

    private readonly Func<ulong> _physicalMilliseconds;
    private readonly Lock _guard = new();
    private ulong _last;

    /// <summary>An oracle reading the physical part from <paramref name="physicalMilliseconds"/>.</summary>
    /// <param name="physicalMilliseconds">The clock, in milliseconds; a test passes a simulated one.</param>
    public ClockOracle(Func<ulong> physicalMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(physicalMilliseconds);
        _physicalMilliseconds = physicalMilliseconds;
    }

    /// <summary>An oracle over the system's wall clock (Unix milliseconds).</summary>
    public static ClockOracle System(TimeProvider? time = null)
    {
        var provider = time ?? TimeProvider.System;
        return new ClockOracle(() => (ulong)provider.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>The last timestamp handed out, or 0 before the first.</summary>
    public ulong Last
    {
        get
        {
            lock (_guard)
            {
                return _last;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<ulong> NextAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Next());

    /// <summary>The next timestamp, at once (the clock needs no round trip).</summary>
    public ulong Next()
    {
        var physical = _physicalMilliseconds() << PhysicalShiftBits;
        lock (_guard)
        {
            // Later than the last one, and at least the clock's time with the counter at 0.
            _last = Math.Max(_last + 1, physical);
            return _last;
        }
    }

    /// <summary>The physical part of <paramref name="ts"/>, in milliseconds.</summary>
    public static ulong Physical(ulong ts) => TsoLayout.Physical(ts);

    /// <summary>The logical part of <paramref name="ts"/>.</summary>
    public static ulong Logical(ulong ts) => TsoLayout.Logical(ts);
}
