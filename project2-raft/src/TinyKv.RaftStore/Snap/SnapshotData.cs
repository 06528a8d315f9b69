using Google.Protobuf;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Storage.Engine;

namespace TinyKv.RaftStore.Snap;

/// <summary>
/// The data of a region's snapshot: for each column family (default, lock, write) a section of
/// length-delimited <c>KeyValue</c> records, every key of the region in that family in order.
/// The <c>SnapshotMeta</c> lists each section's size and checksum, so a receiver can tell a
/// complete, intact file from a damaged one.
/// </summary>
public static class SnapshotData
{
    /// <summary>Writes every pair of <paramref name="region"/> in <paramref name="snapshot"/>; returns the data and its description.</summary>
    public static (byte[] Data, SnapshotMeta Meta) Build(IEngineSnapshot snapshot, Region region)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(region);
        using var stream = new MemoryStream();
        var meta = new SnapshotMeta();

        // One output stream for the whole file (the same bytes as WriteDelimitedTo per pair, without
        // a buffer per pair); the key and value arrays are fresh copies, so they are wrapped, not copied.
        using var output = new CodedOutputStream(stream, leaveOpen: true);
        foreach (var cf in ColumnFamily.All)
        {
            var start = stream.Position;
            foreach (var (key, value) in RegionPairs(snapshot, cf, region))
            {
                output.WriteMessage(new KeyValue { Key = UnsafeByteOperations.UnsafeWrap(key), Value = UnsafeByteOperations.UnsafeWrap(value) });
            }

            output.Flush();
            var section = stream.GetBuffer().AsSpan((int)start, (int)(stream.Position - start));
            meta.CfFiles.Add(new SnapshotCFFile { Cf = cf, Size = (ulong)section.Length, Checksum = Checksum(section) });
        }

        return (stream.ToArray(), meta);
    }

    /// <summary>Adds every pair of <paramref name="data"/> to <paramref name="batch"/>, after checking it against <paramref name="meta"/>.</summary>
    /// <exception cref="InvalidDataException">The data does not match its description.</exception>
    public static void WriteTo(WriteBatch batch, byte[] data, SnapshotMeta meta)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(meta);
        var offset = 0;
        foreach (var file in meta.CfFiles)
        {
            if ((ulong)(data.Length - offset) < file.Size)
            {
                throw new InvalidDataException($"snapshot data ends before the {file.Cf} section ({data.Length} bytes)");
            }

            var section = data.AsMemory(offset, (int)file.Size);
            if (Checksum(section.Span) != file.Checksum)
            {
                throw new InvalidDataException($"the {file.Cf} section of the snapshot data is damaged (checksum mismatch)");
            }

            var input = new CodedInputStream(data, offset, (int)file.Size);
            while (!input.IsAtEnd)
            {
                var pair = new KeyValue();
                input.ReadMessage(pair);
                batch.Put(file.Cf, pair.Key.ToByteArray(), pair.Value.ToByteArray());
            }

            offset += (int)file.Size;
        }

        if (offset != data.Length)
        {
            throw new InvalidDataException($"snapshot data has {data.Length - offset} bytes its description does not cover");
        }
    }

    /// <summary>Adds "delete every pair of <paramref name="region"/>" (all column families, user keys only) to <paramref name="batch"/>.</summary>
    public static void DeleteRange(IKvEngine engine, Region region, WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(batch);
        using var snapshot = engine.GetSnapshot();
        foreach (var cf in ColumnFamily.All)
        {
            foreach (var (key, _) in RegionPairs(snapshot, cf, region))
            {
                batch.Delete(cf, key);
            }
        }
    }

    /// <summary>The user pairs of <paramref name="region"/> in <paramref name="cf"/>, in key order; the store's own bookkeeping (local keys) is not user data.</summary>
    private static IEnumerable<(byte[] Key, byte[] Value)> RegionPairs(IEngineSnapshot snapshot, string cf, Region region)
    {
        using var iterator = snapshot.NewIterator(cf);
        for (iterator.Seek(region.StartKey.Span); iterator.Valid; iterator.Next())
        {
            var key = iterator.Key;
            if (!RegionKeys.Contains(region, key))
            {
                yield break;
            }

            if (!Meta.Keys.IsLocal(cf, key))
            {
                yield return (key, iterator.Value);
            }
        }
    }

    /// <summary>FNV-1a (32 bit) of <paramref name="bytes"/>: a checksum that is the same in every process.</summary>
    public static uint Checksum(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }
}
