namespace TinyKv.Scheduler.Storage;

/// <summary>
/// The small key-value store the scheduler keeps its state in: the cluster's metadata, stores,
/// regions, and the id and timestamp bounds. <see cref="MemoryKv"/> serves tests; a server
/// plugs in an embedded engine (RocksDB) or etcd behind the same interface.
/// </summary>
/// <remarks>A <see cref="Save"/> that returns is durable: a scheduler restarted afterwards loads it.</remarks>
public interface ISchedulerKv
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    byte[]? Load(string key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, durably.</summary>
    void Save(string key, byte[] value);

    /// <summary>Removes <paramref name="key"/> (nothing happens if it is absent).</summary>
    void Remove(string key);

    /// <summary>
    /// The entries with keys in [<paramref name="startKey"/>, <paramref name="endKey"/>) in ordinal
    /// key order, at most <paramref name="limit"/> of them (0 or less: all).
    /// </summary>
    IReadOnlyList<KeyValuePair<string, byte[]>> LoadRange(string startKey, string endKey, int limit);
}
