using TinyKv.Codec;

namespace TinyKv.Transaction.Mvcc;

/// <summary>
/// Transaction timestamps as the timestamp oracle hands them out: physical milliseconds shifted
/// left by <see cref="PhysicalShiftBits"/>, plus a logical counter in the low bits. Later
/// timestamps compare greater; lock time-to-live is measured in the physical part.
/// </summary>
public static class Timestamp
{
    /// <summary>The largest timestamp: a read at it sees every committed write.</summary>
    public const ulong Max = ulong.MaxValue;

    /// <summary>How many low bits hold the logical counter.</summary>
    public const int PhysicalShiftBits = TsoLayout.PhysicalShiftBits;

    /// <summary>The physical part of <paramref name="ts"/>, in milliseconds.</summary>
    public static ulong Physical(ulong ts) => TsoLayout.Physical(ts);

    /// <summary>The logical part of <paramref name="ts"/>.</summary>
    public static ulong Logical(ulong ts) => TsoLayout.Logical(ts);

    /// <summary>The timestamp of <paramref name="physicalMilliseconds"/> and a logical counter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The logical part does not fit its bits.</exception>
    public static ulong Compose(ulong physicalMilliseconds, ulong logical) => TsoLayout.Compose(physicalMilliseconds, logical);
}
