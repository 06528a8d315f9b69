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

            size += (ulong)key.Length + (ulong)iterator.Value.Length;
            if (size > splitSize && splitKey is null)
            {
                splitKey = WithoutTimestamp(key);
            }

            if (size > maxSize)
            {
                break;
            }
        }

        // A split key at (or, decoded from a transactional key, before) the region's start would
        // leave the left half empty.
        if (size <= maxSize || splitKey is null || splitKey.AsSpan().SequenceCompareTo(region.StartKey.Span) <= 0)
        {
            return new SplitCheckResult(size, null);
        }

        return new SplitCheckResult(size, splitKey);
    }

    /// <summary>
    /// A transactional key (memcomparable user key, then an 8-byte timestamp) gives its user key,
    /// decoded: regions are bounded in the key space requests are routed in, the user's, so the
    /// key's transactional requests and every version of it land on the same side (a user key is
    /// a prefix of its own encoding, so all its versions sort at or after it). A raw key is kept
    /// whole.
    /// </summary>
    /// <remarks>
    /// Another transactional key sharing the first 8 bytes with the split key can still have its
    /// encoding on the other side from itself (the encoding puts a 0xFF marker after every 8
    /// bytes); regions are bounded by user keys while the MVCC column families hold encoded ones.
    /// </remarks>
    private static byte[] WithoutTimestamp(byte[] key)
    {
        try
        {
            var userKey = MemComparable.DecodeBytes(key, out var consumed);
            if (consumed + TimestampBytes == key.Length)
            {
                return userKey;
            }
        }
        catch (FormatException)
        {
            // Not memcomparable: a raw key.
        }

        return key;
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
