namespace TinyKv.Bench.Measurement;

/// <summary>
/// Counts by kind (<c>deadline</c>, <c>region:not_leader</c>, <c>grpc:Unavailable</c>, …).
/// Thread-safe; <see cref="Snapshot"/> lists the kinds in ordinal order.
/// </summary>
public sealed class ErrorTally
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Lock _guard = new();

    /// <summary>Adds one to <paramref name="kind"/>.</summary>
    public void Add(string kind) => Add(kind, 1);

    /// <summary>Adds <paramref name="count"/> to <paramref name="kind"/>.</summary>
    public void Add(string kind, long count)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        lock (_guard)
        {
            _counts[kind] = _counts.GetValueOrDefault(kind) + count;
        }
    }

    /// <summary>The total over every kind.</summary>
    public long Total
    {
        get
        {
            lock (_guard)
            {
                return _counts.Values.Sum();
            }
        }
    }

    /// <summary>The counts so far, by kind in ordinal order.</summary>
    public SortedDictionary<string, long> Snapshot()
    {
        lock (_guard)
        {
            return new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);
        }
    }
}
