using Google.Protobuf;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage;
using TinyKv.Storage.Engine;
using MetaRegion = TinyKv.Proto.Metapb.Region;

namespace TinyKv.Server.Replication;

/// <summary>
/// The storage of a replicated server: every write is proposed to the region's Raft group and
/// its task completes once applied; every reader comes from a <c>Snap</c> command, so it sees every write
/// acknowledged before it was asked for (a linearizable read). The Stage 1 and Stage 4 handlers
/// run on it unchanged. A request waiting for the log holds no thread: the store loop completes
/// its task from the proposal's callback.
/// </summary>
/// <remarks>
/// A request this peer cannot serve (not the leader, stale epoch, timed out waiting for the log)
/// throws <see cref="RegionErrorException"/>; the handlers put its error in the response, and the
/// client retries, at the leader the error names. A request whose context names no region is
/// meant for the store's only region (a static cluster has one); the region's current epoch and
/// this store's peer are filled in.
/// </remarks>
public sealed class RaftStorage : IStorage
{
    private readonly ReplicatedStore _store;
    private readonly TimeSpan _timeout;

    /// <summary>A storage over <paramref name="store"/>; a command not answered within <paramref name="timeout"/> fails with a region error.</summary>
    public RaftStorage(ReplicatedStore store, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _store = store;
        _timeout = timeout;
    }

    /// <summary>Nothing to open: the store was started by the server.</summary>
    public void Start()
    {
    }

    /// <summary>Nothing to close: the server stops the store.</summary>
    public void Stop()
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ReservedKeyException">A key of the default column family starts with the store's local prefix.</exception>
    /// <exception cref="RegionErrorException">This peer cannot serve the write; retry at the leader.</exception>
    public async ValueTask WriteAsync(Context? ctx, IReadOnlyList<Modify> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var requests = new List<Request>(batch.Count);
        foreach (var modify in batch)
        {
            var cf = ColumnFamily.Require(modify.Cf);
            ReservedKeyException.ThrowIfReserved(cf, modify.Key);
            var key = ByteString.CopyFrom(modify.Key);
            requests.Add(modify.Kind == ModifyKind.Put
                ? new Request { CmdType = CmdType.Put, Put = new PutRequest { Cf = cf, Key = key, Value = ByteString.CopyFrom(modify.Value ?? []) } }
                : new Request { CmdType = CmdType.Delete, Delete = new DeleteRequest { Cf = cf, Key = key } });
        }

        if (requests.Count == 0)
        {
            return;
        }

        var (_, snapshot) = await CallAsync(ctx, requests).ConfigureAwait(false);
        snapshot?.Dispose();
    }

    /// <inheritdoc/>
    /// <exception cref="RegionErrorException">This peer cannot serve the read; retry at the leader.</exception>
    public async ValueTask<IStorageReader> ReaderAsync(Context? ctx)
    {
        var (response, snapshot) = await CallAsync(ctx, [new Request { CmdType = CmdType.Snap, Snap = new SnapRequest() }]).ConfigureAwait(false);
        return snapshot is null
            ? throw new InvalidOperationException("the store answered a Snap command without a snapshot")
            : new RegionReader(snapshot, response.Responses[0].Snap.Region);
    }

    /// <summary>
    /// Proposes <paramref name="requests"/> and awaits the store loop's answer: no thread waits
    /// while the command goes through the raft log.
    /// </summary>
    private async Task<(RaftCmdResponse Response, IEngineSnapshot? Snapshot)> CallAsync(Context? ctx, List<Request> requests)
    {
        var answer = _store.Propose(ctx, requests);
        RaftCmdResponse response;
        IEngineSnapshot? snapshot;
        try
        {
            (response, snapshot) = await answer.WaitAsync(_timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ReplicatedStore.Abandon(answer);
            throw new RegionErrorException(new Error
            {
                Message = $"store {_store.StoreId} got no answer from the raft log within {_timeout.TotalSeconds:0.#} s; the command may still be applied",
                StaleCommand = new StaleCommand(),
            });
        }

        if (response.Header?.Error is { } error)
        {
            snapshot?.Dispose();
            throw new RegionErrorException(error);
        }

        return (response, snapshot);
    }

    /// <summary>Reads one region out of a snapshot of the kv engine, leaving out the store's own keys.</summary>
    private sealed class RegionReader(IEngineSnapshot snapshot, MetaRegion region) : IStorageReader
    {
        public byte[]? GetCF(string cf, byte[] key)
        {
            ArgumentNullException.ThrowIfNull(key);
            cf = ColumnFamily.Require(cf);
            if (!RaftStore.RegionKeys.Contains(region, key))
            {
                throw new RegionErrorException(RaftStore.RegionErrors.KeyNotInRegion(ByteString.CopyFrom(key), region));
            }

            return Keys.IsLocal(cf, key) ? null : snapshot.Get(cf, key);
        }

        public IDbIterator IterCF(string cf) => new RegionIterator(snapshot.NewIterator(ColumnFamily.Require(cf)), cf, region);

        public void Dispose() => snapshot.Dispose();
    }

    /// <summary>An iterator that stays inside a region and steps over the store's own keys.</summary>
    private sealed class RegionIterator : IDbIterator
    {
        private readonly IEngineIterator _inner;
        private readonly string _cf;
        private readonly MetaRegion _region;

        public RegionIterator(IEngineIterator inner, string cf, MetaRegion region)
        {
            _inner = inner;
            _cf = cf;
            _region = region;
            Seek(region.StartKey.ToByteArray());
        }

        public bool Valid => _inner.Valid && RaftStore.RegionKeys.Contains(_region, _inner.Key);

        public IDbItem Item => Valid
            ? new Pair(_inner.Key, _inner.Value)
            : throw new InvalidOperationException("the iterator is not on an item; check Valid first");

        public void Next()
        {
            _inner.Next();
            SkipLocalKeys();
        }

        public void Seek(byte[] key)
        {
            ArgumentNullException.ThrowIfNull(key);
            var start = _region.StartKey.Span;
            _inner.Seek(ByteComparer.Compare(key, start) < 0 ? start : key);
            SkipLocalKeys();
        }

        public void Dispose() => _inner.Dispose();

        private void SkipLocalKeys()
        {
            if (_inner.Valid && Keys.IsLocal(_cf, _inner.Key))
            {
                _inner.Seek(Keys.LocalMaxKey);
            }
        }

        private sealed record Pair(byte[] Key, byte[] Value) : IDbItem;
    }
}

/// <summary>
/// A client named a key the store keeps for its own bookkeeping: in the default column family,
/// keys starting with byte 0x01 hold the store's identity, raft and region states.
/// </summary>
public sealed class ReservedKeyException : ArgumentException
{
    public ReservedKeyException()
    {
    }

    public ReservedKeyException(string message)
        : base(message)
    {
    }

    public ReservedKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws when <paramref name="key"/> is reserved.</summary>
    /// <exception cref="ReservedKeyException">The key is one of the store's own.</exception>
    public static void ThrowIfReserved(string cf, ReadOnlySpan<byte> key)
    {
        if (Keys.IsLocal(cf, key))
        {
            throw new ReservedKeyException($"keys of the default column family starting with byte 0x{Keys.LocalPrefix:x2} are reserved for the store's own state");
        }
    }
}
