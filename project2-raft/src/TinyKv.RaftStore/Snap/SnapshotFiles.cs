using System.Collections.Concurrent;

namespace TinyKv.RaftStore.Snap;

/// <summary>
/// The snapshot files of a store, held in memory: a generated snapshot's data waits here to be
/// sent, a received one waits here to be applied. A snapshot message carries only the
/// snapshot's description; its data travels separately, in chunks (see <see cref="SnapshotData"/>).
/// </summary>
/// <remarks>Thread-safe: in a server the transport's receiving thread adds files.</remarks>
public sealed class SnapshotFiles
{
    private readonly ConcurrentDictionary<SnapKey, byte[]> _files = new();

    /// <summary>How many files are held.</summary>
    public int Count => _files.Count;

    /// <summary>Stores the data of snapshot <paramref name="key"/>.</summary>
    public void Put(SnapKey key, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _files[key] = data;
    }

    /// <summary>The data of snapshot <paramref name="key"/>, or null.</summary>
    public byte[]? Get(SnapKey key) => _files.GetValueOrDefault(key);

    /// <summary>Deletes snapshot <paramref name="key"/>.</summary>
    public void Delete(SnapKey key) => _files.TryRemove(key, out _);

    /// <summary>Deletes every snapshot of region <paramref name="regionId"/> older than <paramref name="index"/>.</summary>
    public void DeleteOlder(ulong regionId, ulong index)
    {
        foreach (var key in _files.Keys.Where(k => k.RegionId == regionId && k.Index < index).ToList())
        {
            _files.TryRemove(key, out _);
        }
    }
}
