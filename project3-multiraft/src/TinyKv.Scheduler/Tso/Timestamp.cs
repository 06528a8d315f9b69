namespace TinyKv.Scheduler.Tso;

/// <summary>
/// A timestamp of the oracle: a physical part in Unix milliseconds and a logical counter within
/// that millisecond. As one number (<see cref="Compose"/>), physical &lt;&lt; 18 | logical, the
/// order transactions use for start and commit versions.
/// </summary>
public readonly record struct Timestamp(long Physical, long Logical) : IComparable<Timestamp>
{
    /// <summary>Bits of the logical part.</summary>
    public const int LogicalBits = 18;

    /// <summary>The logical part stays below this.</summary>
    public const long MaxLogical = 1L << LogicalBits;

    /// <summary>The timestamp as one 64-bit number.</summary>
    public ulong Compose() => ((ulong)Physical << LogicalBits) | (ulong)Logical;

    /// <summary>The timestamp a composed number stands for.</summary>
    public static Timestamp FromComposed(ulong composed) => new((long)(composed >> LogicalBits), (long)(composed & (MaxLogical - 1)));

    /// <inheritdoc />
    public int CompareTo(Timestamp other) => Compose().CompareTo(other.Compose());

    public static bool operator <(Timestamp left, Timestamp right) => left.CompareTo(right) < 0;

    public static bool operator >(Timestamp left, Timestamp right) => left.CompareTo(right) > 0;

    public static bool operator <=(Timestamp left, Timestamp right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Timestamp left, Timestamp right) => left.CompareTo(right) >= 0;
}
