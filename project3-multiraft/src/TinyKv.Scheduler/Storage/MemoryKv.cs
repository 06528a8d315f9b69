namespace TinyKv.Scheduler.Storage;

/// <summary>An <see cref="ISchedulerKv"/> in memory, for tests and the simulator. Thread-safe.</summary>
public sealed class MemoryKv : ISchedulerKv
{
    private readonly SortedDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How many times a value was saved: lets tests check that bounds are saved ahead, not on every call.</summary>
    public int SaveCount { get; private set; }

    /// <inheritdoc />
    public byte[]? Load(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var value) ? (byte[])value.Clone() : null;
        }
    }

    /// <inheritdoc />
    public void Save(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            _entries[key] = (byte[])value.Clone();
            SaveCount++;
        }
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        lock (_lock)
        {
            _entries.Remove(key);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, byte[]>> LoadRange(string startKey, string endKey, int limit)
    {
        lock (_lock)
        {
            var result = new List<KeyValuePair<string, byte[]>>();
            foreach (var (key, value) in _entries)
            {
                if (string.CompareOrdinal(key, startKey) < 0)
                {
                    continue;
                }

                if (string.CompareOrdinal(key, endKey) >= 0 || (limit > 0 && result.Count >= limit))
                {
                    break;
                }

                result.Add(new(key, (byte[])value.Clone()));
            }

            return result;
        }
    }
}
