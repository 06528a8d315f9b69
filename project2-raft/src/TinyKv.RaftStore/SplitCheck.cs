using TinyKv.Codec;
using TinyKv.Proto.Metapb;
using TinyKv.Runtime;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore;

/// <summary>What a split check found: the region's approximate size, and where to split it (null: not yet).</summary>
/// <param name="ApproximateSize">The bytes of keys and values the check counted (it stops counting past the maximum size).</param>
/// <param name="SplitKey">The first key of the new right-hand region, or null when the region is not too big.</param>
public sealed record SplitCheckResult(ulong ApproximateSize, byte[]? SplitKey);

/// <summary>
/// Decides whether a region has grown too big and where to cut it: it walks the region's user
/// data in the default column family in key order, adding up key and value sizes. The first key
/// at which the sum passes the split size is the split key, but only if the whole region passes
/// the maximum size — so both halves are worth having.
/// </summary>
public static class SplitChecker
{
    private const int TimestampBytes = 8;

    /// <summary>Checks <paramref name="region"/> in <paramref name="snapshot"/>.</summary>
    /// <param name="snapshot">A snapshot of the kv engine.</param>
    /// <param name="region">The region, with its key range.</param>
    /// <param name="maxSize">A region bigger than this splits.</param>
    /// <param name="splitSize">Where it splits: the left half is a little over this size.</param>
    public static SplitCheckResult Check(IEngineSnapshot snapshot, Region region, ulong maxSize, ulong splitSize)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(splitSize, maxSize);
        ulong size = 0;
        byte[]? splitKey = null;
        byte[]? first = null; // the region's first user key, decoded when transactional
        using var iterator = snapshot.NewIterator(ColumnFamily.Default);
        for (iterator.Seek(region.StartKey.Span); iterator.Valid; iterator.Next())
        {
            var key = iterator.Key;
            if (!RegionKeys.Contains(region, key))
            {
                break;
            }

            if (Meta.Keys.IsLocal(ColumnFamily.Default, key))
            {
                continue;
            }

            first ??= UserKey(key) ?? key;
            size += (ulong)key.Length + (ulong)iterator.Value.Length;
            if (size > splitSize && splitKey is null)
            {
                splitKey = UserKey(key) is { } userKey ? TransactionalBoundary(userKey, first, region) : key;
            }

            if (size > maxSize)
            {
                break;
            }
        }

        // A split key at (or, from a transactional key, before) the region's start would leave the
        // left half empty.
        if (size <= maxSize || splitKey is null || splitKey.AsSpan().SequenceCompareTo(region.StartKey.Span) <= 0)
        {
            return new SplitCheckResult(size, null);
        }

        return new SplitCheckResult(size, splitKey);
    }

    /// <summary>
    /// The user key of a transactional key (a memcomparable user key, then an 8-byte timestamp),
    /// decoded; null for a raw key.
    /// </summary>
    private static byte[]? UserKey(byte[] key)
    {
        try
        {
            var userKey = MemComparable.DecodeBytes(key, out var consumed);
            return consumed + TimestampBytes == key.Length ? userKey : null;
        }
        catch (FormatException)
        {
            return null; // Not memcomparable: a raw key.
        }
    }

    /// <summary>
    /// Where to split a region at transactional user key <paramref name="userKey"/>: a boundary of
    /// at most 8 bytes, not ending in a zero byte, strictly inside the region; null when there is none.
    /// </summary>
    /// <remarks>
    /// Requests are routed by user keys, but the transaction layer stores a key's versions under
    /// its memcomparable encoding, which puts a 0xFF marker after every 8 bytes. Against a
    /// boundary longer than 8 bytes, a user key sharing its first 8 bytes sorts on one side while
    /// its encoding sorts on the other, so the key's requests would reach one region and its data
    /// sit in the other. Against a boundary of at most 8 bytes that does not end in a zero byte, a
    /// user key, its encoding (with any timestamp) and a raw key all sort the same way. So the
    /// split is at the user key's first 8 bytes (zero bytes at their end left off), or, when every
    /// key from the region's first to here shares those 8 bytes (the left half would be empty), just
    /// after every key with that 8-byte prefix. Keys sharing 8 bytes are never split apart.
    /// </remarks>
    private static byte[]? TransactionalBoundary(byte[] userKey, byte[] first, Region region)
    {
        var prefix = userKey.AsSpan(0, Math.Min(userKey.Length, 8));
        var start = region.StartKey.Span;
        var end = region.EndKey.Span;
        var atPrefix = prefix.TrimEnd((byte)0);
        var sharedWithFirst = first.AsSpan(0, Math.Min(first.Length, 8)).SequenceEqual(prefix);
        if (!sharedWithFirst && atPrefix.SequenceCompareTo(start) > 0)
        {
            return atPrefix.ToArray();
        }

        // The first byte string of at most 8 bytes after every key starting with the prefix.
        var after = prefix.ToArray();
        var last = after.Length - 1;
        while (last >= 0 && after[last] == 0xFF)
        {
            last--;
        }

        if (last < 0)
        {
            return null;
        }

        after[last]++;
        var boundary = after.AsSpan(0, last + 1);
        return end.Length == 0 || boundary.SequenceCompareTo(end) < 0 ? boundary.ToArray() : null;
    }
}

/// <summary>
/// Runs split checks off the peers' path: each check runs later on the store's loop (a worker
/// thread in the original course) over a snapshot of the kv engine, and hands its result to
/// the callback it was scheduled with.
/// </summary>
public sealed class SplitCheckWorker
{
    private readonly IKvEngine _kvEngine;
    private readonly IScheduler _scheduler;
    private readonly RaftStoreConfig _config;

    /// <summary>A worker checking regions of <paramref name="kvEngine"/> against <paramref name="config"/>'s sizes.</summary>
    public SplitCheckWorker(IKvEngine kvEngine, IScheduler scheduler, RaftStoreConfig config)
    {
        _kvEngine = kvEngine ?? throw new ArgumentNullException(nameof(kvEngine));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _config = config ?? throw new ArgumentNullException(nameof(config));
    }

    /// <summary>How many checks ran.</summary>
    public long Checks { get; private set; }

    /// <summary>Checks <paramref name="region"/> (a copy is taken now) and calls <paramref name="done"/> with the result.</summary>
    public void Schedule(Region region, Action<Region, SplitCheckResult> done)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(done);
        var checkedRegion = region.Clone();
        _scheduler.Post(() =>
        {
            using var snapshot = _kvEngine.GetSnapshot();
            var result = SplitChecker.Check(snapshot, checkedRegion, _config.RegionMaxSize, _config.RegionSplitSize);
            Checks++;
            done(checkedRegion, result);
        });
    }
}
