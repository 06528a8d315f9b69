using System.Buffers.Binary;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftServerpb;

namespace TinyKv.RaftStore.Snap;

/// <summary>
/// How a snapshot message travels between stores, in the simulator and in a server alike: first
/// a chunk holding just the message (the snapshot's description), then the file's data in
/// chunks of at most <c>chunkBytes</c>, each holding the message again and its data prefixed
/// with the data's offset in the file (8 bytes, big-endian). Tagging each piece with its offset
/// lets the receiver rebuild the file from pieces that came late, twice or out of order.
/// </summary>
public static class SnapshotChunks
{
    /// <summary>The chunks that carry snapshot message <paramref name="message"/> and its file <paramref name="data"/>.</summary>
    /// <remarks>At least one data chunk, even for an empty file: its arrival completes the snapshot.</remarks>
    public static IEnumerable<SnapshotChunk> Split(RaftMessage message, byte[] data, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        yield return new SnapshotChunk { Message = message };
        var offset = 0;
        do
        {
            var length = Math.Min(chunkBytes, data.Length - offset);
            var piece = new byte[8 + length];
            BinaryPrimitives.WriteInt64BigEndian(piece, offset);
            data.AsSpan(offset, length).CopyTo(piece.AsSpan(8));
            yield return new SnapshotChunk { Message = message, Data = ByteString.CopyFrom(piece) };
            offset += length;
        }
        while (offset < data.Length);
    }

    /// <summary>Whether <paramref name="message"/> carries a snapshot, whose data travels in chunks.</summary>
    public static bool IsSnapshot(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Message?.MsgType == MessageType.MsgSnapshot;
    }

    /// <summary>The snapshot file a snapshot message describes.</summary>
    public static SnapKey KeyOf(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.RegionId, message.Message.Snapshot.Metadata.Term, message.Message.Snapshot.Metadata.Index);
    }

    /// <summary>The size in bytes of the file a snapshot message describes.</summary>
    /// <exception cref="InvalidProtocolBufferException">The message's snapshot data is not a snapshot description.</exception>
    public static long SizeOf(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (long)RaftSnapshotData.Parser.ParseFrom(message.Message.Snapshot.Data).FileSize;
    }
}

/// <summary>
/// One snapshot file being received: the data chunks gathered so far and, once it came, the
/// message that describes the file. Complete when the message is there and the pieces cover
/// the whole file.
/// </summary>
public sealed class SnapshotAssembly
{
    private readonly SortedDictionary<long, byte[]> _pieces = [];
    private long _received;
    private long? _size; // Every chunk describes the same file: parse its size once.

    /// <summary>The snapshot message, once its first chunk came.</summary>
    public RaftMessage? Message { get; private set; }

    /// <summary>Takes one chunk of the snapshot; ignores a duplicate piece or one that does not fit the file.</summary>
    /// <exception cref="InvalidProtocolBufferException">The chunk's message does not describe a snapshot file.</exception>
    public void Add(SnapshotChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (chunk.Data.IsEmpty)
        {
            Message = chunk.Message;
            return;
        }

        var piece = chunk.Data.Span;
        if (piece.Length < 8)
        {
            return;
        }

        var offset = BinaryPrimitives.ReadInt64BigEndian(piece);
        var bytes = piece[8..].ToArray();
        if (offset < 0 || offset + bytes.Length > SizeOf(chunk.Message) || !_pieces.TryAdd(offset, bytes))
        {
            return;
        }

        _received += bytes.Length;
    }

    /// <summary>Whether the message came and the pieces cover the whole file.</summary>
    public bool IsComplete => Message is { } message && _received == SizeOf(message) && _pieces.Count > 0;

    /// <summary>The whole file. Only when <see cref="IsComplete"/>.</summary>
    public byte[] Data()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("the snapshot is not complete yet");
        }

        var data = new byte[SizeOf(Message!)];
        foreach (var (offset, bytes) in _pieces)
        {
            bytes.CopyTo(data, offset);
        }

        return data;
    }

    private long SizeOf(RaftMessage message) => _size ??= SnapshotChunks.SizeOf(message);
}
