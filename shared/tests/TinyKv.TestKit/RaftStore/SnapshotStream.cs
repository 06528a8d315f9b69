using System.Buffers.Binary;
using Google.Protobuf;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.RaftStore;
using TinyKv.RaftStore.Snap;
using TinyKv.TestKit.Simulation;

namespace TinyKv.TestKit.RaftStore;

/// <summary>
/// A store's transport on the simulated network, with the snapshot stream of a real server: a
/// raft message goes as one chunk holding just the message; a snapshot message goes as the
/// message followed by its data in chunks of at most <c>chunkBytes</c>, each tagged with its
/// offset. The receiver gathers the chunks (they may arrive late, twice or never) and hands the
/// snapshot message to its store only once the whole file is there.
/// </summary>
public sealed class SnapshotStream : ITransport
{
    private readonly SimulatedNetwork<SnapshotChunk> _network;
    private readonly ulong _storeId;
    private readonly SnapshotFiles _files;
    private readonly int _chunkBytes;
    private readonly Dictionary<SnapKey, Incoming> _incoming = [];

    /// <summary>The transport of store <paramref name="storeId"/>, sending from and receiving into <paramref name="files"/>.</summary>
    public SnapshotStream(SimulatedNetwork<SnapshotChunk> network, ulong storeId, SnapshotFiles files, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        _network = network;
        _storeId = storeId;
        _files = files;
        _chunkBytes = chunkBytes;
    }

    /// <summary>How many snapshots this store received whole.</summary>
    public int SnapshotsReceived { get; private set; }

    /// <inheritdoc/>
    public void Send(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var to = message.ToPeer.StoreId;
        if (message.Message.MsgType != MessageType.MsgSnapshot)
        {
            _network.Send(_storeId, to, new SnapshotChunk { Message = message });
            return;
        }

        var key = KeyOf(message);
        var data = _files.Get(key);
        if (data is null)
        {
            return; // The file is gone (a newer snapshot replaced it): the leader will send again.
        }

        _network.Send(_storeId, to, new SnapshotChunk { Message = message });
        // At least one chunk, even for an empty file: its arrival completes the snapshot.
        var offset = 0;
        do
        {
            var length = Math.Min(_chunkBytes, data.Length - offset);
            var piece = new byte[8 + length];
            BinaryPrimitives.WriteInt64BigEndian(piece, offset);
            data.AsSpan(offset, length).CopyTo(piece.AsSpan(8));
            _network.Send(_storeId, to, new SnapshotChunk { Message = message, Data = ByteString.CopyFrom(piece) });
            offset += length;
        }
        while (offset < data.Length);
    }

    /// <summary>Takes one chunk off the network; hands complete messages to <paramref name="deliver"/>.</summary>
    public void Receive(SnapshotChunk chunk, Action<RaftMessage> deliver)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(deliver);
        var message = chunk.Message;
        if (message?.Message is null)
        {
            return;
        }

        if (message.Message.MsgType != MessageType.MsgSnapshot)
        {
            deliver(message);
            return;
        }

        var key = KeyOf(message);
        if (_files.Get(key) is not null)
        {
            if (chunk.Data.IsEmpty)
            {
                deliver(message); // The data came earlier (a resend of a snapshot we hold).
            }

            return;
        }

        if (!_incoming.TryGetValue(key, out var incoming))
        {
            incoming = _incoming[key] = new Incoming();
        }

        if (chunk.Data.IsEmpty)
        {
            incoming.Message = message;
        }
        else
        {
            incoming.Add(chunk.Data.Span, SizeOf(message));
        }

        if (incoming.Message is { } complete && incoming.IsComplete(SizeOf(complete)))
        {
            _incoming.Remove(key);
            _files.Put(key, incoming.Data(SizeOf(complete)));
            SnapshotsReceived++;
            deliver(complete);
        }
    }

    private static SnapKey KeyOf(RaftMessage message) =>
        new(message.RegionId, message.Message.Snapshot.Metadata.Term, message.Message.Snapshot.Metadata.Index);

    private static long SizeOf(RaftMessage message) =>
        (long)RaftSnapshotData.Parser.ParseFrom(message.Message.Snapshot.Data).FileSize;

    private sealed class Incoming
    {
        private readonly SortedDictionary<long, byte[]> _pieces = [];
        private long _received;

        public RaftMessage? Message { get; set; }

        public void Add(ReadOnlySpan<byte> piece, long size)
        {
            var offset = BinaryPrimitives.ReadInt64BigEndian(piece);
            var bytes = piece[8..].ToArray();
            if (offset < 0 || offset + bytes.Length > size || !_pieces.TryAdd(offset, bytes))
            {
                return; // A duplicate or a piece that does not fit: ignore it.
            }

            _received += bytes.Length;
        }

        public bool IsComplete(long size) => _received == size && (size > 0 || _pieces.Count > 0);

        public byte[] Data(long size)
        {
            var data = new byte[size];
            foreach (var (offset, bytes) in _pieces)
            {
                bytes.CopyTo(data, offset);
            }

            return data;
        }
    }
}
