using System.Diagnostics.CodeAnalysis;

namespace TinyKv.RaftStore;

/// <summary>
/// A store's peers by region id: walked in region order (every tick visits every peer, and the
/// order decides the order of what they send), and found by id in constant time (every message
/// and every round looks peers up, and a store of stage 3 holds hundreds of regions).
/// </summary>
/// <remarks>Two maps kept in step: a sorted one for the walks, a hash one for the look-ups.</remarks>
internal sealed class PeerTable : IReadOnlyDictionary<ulong, Peer>
{
    private readonly SortedDictionary<ulong, Peer> _sorted = [];
    private readonly Dictionary<ulong, Peer> _byId = [];

    /// <inheritdoc/>
    public int Count => _byId.Count;

    /// <summary>The region ids, in order.</summary>
    public IEnumerable<ulong> Keys => _sorted.Keys;

    /// <summary>The peers, in region order.</summary>
    public SortedDictionary<ulong, Peer>.ValueCollection Values => _sorted.Values;

    IEnumerable<Peer> IReadOnlyDictionary<ulong, Peer>.Values => _sorted.Values;

    /// <summary>The peer of region <paramref name="regionId"/>; setting it replaces any other.</summary>
    public Peer this[ulong regionId]
    {
        get => _byId[regionId];
        set
        {
            _sorted[regionId] = value;
            _byId[regionId] = value;
        }
    }

    /// <inheritdoc/>
    public bool ContainsKey(ulong key) => _byId.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(ulong key, [MaybeNullWhen(false)] out Peer value) => _byId.TryGetValue(key, out value);

    /// <summary>Removes the peer of region <paramref name="regionId"/>; false when there was none.</summary>
    public bool Remove(ulong regionId) => Remove(regionId, out _);

    /// <summary>Removes the peer of region <paramref name="regionId"/> and hands it back; false when there was none.</summary>
    public bool Remove(ulong regionId, [MaybeNullWhen(false)] out Peer peer)
    {
        _sorted.Remove(regionId);
        return _byId.Remove(regionId, out peer);
    }

    /// <summary>Removes every peer.</summary>
    public void Clear()
    {
        _sorted.Clear();
        _byId.Clear();
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<ulong, Peer>> GetEnumerator() => _sorted.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
