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
    private readonly Dictionary<SnapKey, SnapshotAssembly> _incoming = [];

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
        if (!SnapshotChunks.IsSnapshot(message))
        {
            _network.Send(_storeId, to, new SnapshotChunk { Message = message });
            return;
        }

        var data = _files.Get(SnapshotChunks.KeyOf(message));
        if (data is null)
        {
            return; // The file is gone (a newer snapshot replaced it): the leader will send again.
        }

        foreach (var chunk in SnapshotChunks.Split(message, data, _chunkBytes))
        {
            _network.Send(_storeId, to, chunk);
        }
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

        if (!SnapshotChunks.IsSnapshot(message))
        {
            deliver(message);
            return;
        }

        var key = SnapshotChunks.KeyOf(message);
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
            incoming = _incoming[key] = new SnapshotAssembly();
        }

        incoming.Add(chunk);
        if (incoming.IsComplete)
        {
            _incoming.Remove(key);
            _files.Put(key, incoming.Data());
            SnapshotsReceived++;
            deliver(incoming.Message!);
        }
    }
}
