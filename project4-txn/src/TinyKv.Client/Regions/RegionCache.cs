using TinyKv.Proto.Metapb;

namespace TinyKv.Client.Regions;

/// <summary>
/// The regions a client knows, by start key, with their leaders: asked of the
/// <see cref="IRegionDirectory"/> on a miss, corrected by what stores answer (a new leader, the
/// current regions of an epoch that moved on), and forgotten when a store says the region is
/// not what the client thought. Thread-safe.
/// </summary>
public sealed class RegionCache
{
    private readonly IRegionDirectory _directory;
    private readonly SortedList<byte[], RegionLocation> _byStart = new(KeyComparer.Instance);
    private readonly Lock _lock = new();

    /// <summary>A cache that fills itself from <paramref name="directory"/>.</summary>
    public RegionCache(IRegionDirectory directory) => _directory = directory ?? throw new ArgumentNullException(nameof(directory));

    /// <summary>How many regions the cache holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byStart.Count;
            }
        }
    }

    /// <summary>The regions the cache holds now, in key order.</summary>
    public IReadOnlyList<RegionLocation> Regions
    {
        get
        {
            lock (_lock)
            {
                return [.. _byStart.Values];
            }
        }
    }

    /// <summary>The region holding <paramref name="key"/>, from the cache or else from the directory.</summary>
    /// <exception cref="RegionUnavailableException">The directory knows no region for the key.</exception>
    public async Task<RegionLocation> LocateAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        if (Cached(key.Span) is { } hit)
        {
            return hit;
        }

        var found = await _directory.RegionOfKeyAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new RegionUnavailableException($"the scheduler knows no region holding key {KeyText(key.Span)}");
        Put(found);
        return found;
    }

    /// <summary>Records that <paramref name="leader"/> leads region <paramref name="regionId"/>.</summary>
    public void UpdateLeader(ulong regionId, Peer leader)
    {
        ArgumentNullException.ThrowIfNull(leader);
        lock (_lock)
        {
            var i = IndexOf(regionId);
            if (i < 0)
            {
                return;
            }

            if (_byStart.Values[i].Region.Peers.Any(p => p.Id == leader.Id))
            {
                _byStart.SetValueAtIndex(i, _byStart.Values[i] with { Leader = leader });
            }
            else
            {
                _byStart.RemoveAt(i); // a leader the cached peers do not know: the membership changed
            }
        }
    }

    /// <summary>Forgets who leads region <paramref name="regionId"/> (its leader did not answer).</summary>
    public void ForgetLeader(ulong regionId)
    {
        lock (_lock)
        {
            if (IndexOf(regionId) is var i and >= 0)
            {
                _byStart.SetValueAtIndex(i, _byStart.Values[i] with { Leader = null });
            }
        }
    }

    /// <summary>Forgets region <paramref name="regionId"/>: the next request for its keys asks the directory again.</summary>
    public void Invalidate(ulong regionId)
    {
        lock (_lock)
        {
            if (IndexOf(regionId) is var i and >= 0)
            {
                _byStart.RemoveAt(i);
            }
        }
    }

    /// <summary>Takes the regions a store reported as current (an EpochNotMatch answer), replacing whatever they overlap.</summary>
    public void Replace(IEnumerable<Region> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        foreach (var region in current)
        {
            Put(new RegionLocation(region.Clone(), null));
        }
    }

    private static string KeyText(ReadOnlySpan<byte> key) => Convert.ToHexString(key);

    private RegionLocation? Cached(ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            // The last region starting at or before the key.
            var (low, high) = (0, _byStart.Count - 1);
            var floor = -1;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                if (_byStart.Keys[middle].AsSpan().SequenceCompareTo(key) <= 0)
                {
                    floor = middle;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return floor >= 0 && _byStart.Values[floor].Contains(key) ? _byStart.Values[floor] : null;
        }
    }

    private void Put(RegionLocation location)
    {
        lock (_lock)
        {
            // Drop every cached region that overlaps the new one, or has its id: it is older.
            for (var i = _byStart.Count - 1; i >= 0; i--)
            {
                var cached = _byStart.Values[i].Region;
                if (cached.Id == location.Region.Id || Overlaps(cached, location.Region))
                {
                    _byStart.RemoveAt(i);
                }
            }

            _byStart[location.Region.StartKey.ToByteArray()] = location;
        }
    }

    private static bool Overlaps(Region a, Region b) =>
        (b.EndKey.IsEmpty || a.StartKey.Span.SequenceCompareTo(b.EndKey.Span) < 0)
        && (a.EndKey.IsEmpty || b.StartKey.Span.SequenceCompareTo(a.EndKey.Span) < 0);

    private int IndexOf(ulong regionId)
    {
        for (var i = 0; i < _byStart.Count; i++)
        {
            if (_byStart.Values[i].Region.Id == regionId)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class KeyComparer : IComparer<byte[]>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}

/// <summary>No region could be found for a key, or none answered within the retries.</summary>
public sealed class RegionUnavailableException : Exception
{
    /// <summary>An error without details.</summary>
    public RegionUnavailableException()
    {
    }

    /// <summary>An error saying <paramref name="message"/>.</summary>
    public RegionUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>An error saying <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public RegionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
