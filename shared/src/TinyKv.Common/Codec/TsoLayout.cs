namespace TinyKv.Codec;

/// <summary>
/// The layout of a transaction timestamp, shared by the timestamp oracle that hands them out and
/// the server that reads them: physical milliseconds shifted left by
/// <see cref="PhysicalShiftBits"/>, plus a logical counter in the low bits.
/// </summary>
public static class TsoLayout
{
    /// <summary>How many low bits hold the logical counter.</summary>
    public const int PhysicalShiftBits = 18;

    /// <summary>The physical part of <paramref name="ts"/>, in milliseconds.</summary>
    public static ulong Physical(ulong ts) => ts >> PhysicalShiftBits;

    /// <summary>The logical part of <paramref name="ts"/>.</summary>
    public static ulong Logical(ulong ts) => ts & ((1UL << PhysicalShiftBits) - 1);

    /// <summary>The timestamp of <paramref name="physicalMilliseconds"/> and a logical counter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The logical part does not fit its bits.</exception>
    public static ulong Compose(ulong physicalMilliseconds, ulong logical)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(logical, 1UL << PhysicalShiftBits);
        return (physicalMilliseconds << PhysicalShiftBits) | logical;
    }
}
