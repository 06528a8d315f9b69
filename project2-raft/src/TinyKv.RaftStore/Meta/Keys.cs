using System.Buffers.Binary;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore.Meta;

/// <summary>
/// Where a store keeps its own bookkeeping, with the original course's byte layout. Every
/// local key starts with <see cref="LocalPrefix"/> (0x01), which sorts before any user key a
/// client is expected to write; region ids and log indexes are 8-byte big-endian, so keys of
/// one region sort by index.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>0x01 0x01</term><description>the store identity (kv engine)</description></item>
/// <item><term>0x01 0x02</term><description>the "prepare bootstrap" marker (kv engine)</description></item>
/// <item><term>0x01 0x02 region 0x01 index</term><description>a raft log entry (raft engine)</description></item>
/// <item><term>0x01 0x02 region 0x02</term><description>the <c>RaftLocalState</c>: hard state, last index and term (raft engine)</description></item>
/// <item><term>0x01 0x02 region 0x03</term><description>the <c>RaftApplyState</c>: applied index, truncated state (kv engine)</description></item>
/// <item><term>0x01 0x02 region 0x04</term><description>where a peer applied its own removal: the entry's index and term, kept with its tombstone (kv engine)</description></item>
/// <item><term>0x01 0x03 region 0x01</term><description>the <c>RegionLocalState</c>: the region and whether the peer is a tombstone (kv engine)</description></item>
/// </list>
/// </remarks>
public static class Keys
{
    /// <summary>The first byte of every local key.</summary>
    public const byte LocalPrefix = 0x01;

    /// <summary>Second byte of the per-region raft keys (log, raft state, apply state).</summary>
    public const byte RegionRaftPrefix = 0x02;

    /// <summary>Second byte of the per-region meta keys (region state).</summary>
    public const byte RegionMetaPrefix = 0x03;

    /// <summary>Suffix of a raft log entry key.</summary>
    public const byte RaftLogSuffix = 0x01;

    /// <summary>Suffix of the raft state key.</summary>
    public const byte RaftStateSuffix = 0x02;

    /// <summary>Suffix of the apply state key.</summary>
    public const byte ApplyStateSuffix = 0x03;

    /// <summary>Suffix of the key of a removed peer's last entry (<see cref="RemovedAtKey"/>).</summary>
    public const byte RemovedAtSuffix = 0x04;

    /// <summary>Suffix of the region state key.</summary>
    public const byte RegionStateSuffix = 0x01;

    /// <summary>The first key past every local key of the kv engine's default column family.</summary>
    public static byte[] LocalMaxKey => [LocalPrefix + 1];

    /// <summary>
    /// Whether <paramref name="key"/> of column family <paramref name="cf"/> is one of the store's
    /// own keys: they share the kv engine's default column family with user data, so snapshots
    /// and readers of user data skip them.
    /// </summary>
    public static bool IsLocal(string cf, ReadOnlySpan<byte> key) =>
        cf == ColumnFamily.Default && key.Length > 0 && key[0] == LocalPrefix;

    /// <summary>The key of the store identity.</summary>
    public static byte[] StoreIdentKey => [LocalPrefix, 0x01];

    /// <summary>The key of the "prepare bootstrap" marker.</summary>
    public static byte[] PrepareBootstrapKey => [LocalPrefix, 0x02];

    /// <summary>The first key of the region meta range (every region state sorts at or after it).</summary>
    public static byte[] RegionMetaMinKey => [LocalPrefix, RegionMetaPrefix];

    /// <summary>The key just past the region meta range.</summary>
    public static byte[] RegionMetaMaxKey => [LocalPrefix, RegionMetaPrefix + 1];

    /// <summary>The key of the raft log entry at <paramref name="index"/> of region <paramref name="regionId"/>.</summary>
    public static byte[] RaftLogKey(ulong regionId, ulong index)
    {
        var key = RegionKey(RegionRaftPrefix, regionId, RaftLogSuffix, 8);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(11), index);
        return key;
    }

    /// <summary>The key of the raft state of region <paramref name="regionId"/>.</summary>
    public static byte[] RaftStateKey(ulong regionId) => RegionKey(RegionRaftPrefix, regionId, RaftStateSuffix, 0);

    /// <summary>The key of the apply state of region <paramref name="regionId"/>.</summary>
    public static byte[] ApplyStateKey(ulong regionId) => RegionKey(RegionRaftPrefix, regionId, ApplyStateSuffix, 0);

    /// <summary>
    /// The key of the index and term of the entry that removed this store's peer of region
    /// <paramref name="regionId"/>, when the peer applied it itself: proof, kept with the
    /// tombstone, that the removal committed.
    /// </summary>
    public static byte[] RemovedAtKey(ulong regionId) => RegionKey(RegionRaftPrefix, regionId, RemovedAtSuffix, 0);

    /// <summary>The key of the region state of region <paramref name="regionId"/>.</summary>
    public static byte[] RegionStateKey(ulong regionId) => RegionKey(RegionMetaPrefix, regionId, RegionStateSuffix, 0);

    /// <summary>The region id in a region state key.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a region state key.</exception>
    public static ulong RegionIdOfStateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != 11 || key[0] != LocalPrefix || key[1] != RegionMetaPrefix || key[10] != RegionStateSuffix)
        {
            throw new ArgumentException($"not a region state key: {Quote.Hex(key)}", nameof(key));
        }

        return BinaryPrimitives.ReadUInt64BigEndian(key[2..]);
    }

    /// <summary>The index in a raft log key.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a raft log key.</exception>
    public static ulong IndexOfRaftLogKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != 19 || key[0] != LocalPrefix || key[1] != RegionRaftPrefix || key[10] != RaftLogSuffix)
        {
            throw new ArgumentException($"not a raft log key: {Quote.Hex(key)}", nameof(key));
        }

        return BinaryPrimitives.ReadUInt64BigEndian(key[11..]);
    }

    private static byte[] RegionKey(byte prefix, ulong regionId, byte suffix, int extra)
    {
        var key = new byte[11 + extra];
        key[0] = LocalPrefix;
        key[1] = prefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(2), regionId);
        key[10] = suffix;
        return key;
    }
}
