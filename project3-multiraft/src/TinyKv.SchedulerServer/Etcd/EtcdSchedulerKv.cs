using System.Threading.Channels;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TinyKv.Scheduler.Storage;
using TinyKv.SchedulerServer.Leadership;

namespace TinyKv.SchedulerServer.Etcd;

/// <summary>
/// The leader's metadata store in etcd mode: the whole metadata in memory (it is small: stores,
/// regions, a few bounds), loaded from etcd when the term begins, and every change written
/// behind to etcd in order. <see cref="Load"/> and <see cref="LoadRange"/> read the memory;
/// <see cref="Save"/> and <see cref="Remove"/> change the memory and queue the write, so the
/// scheduler's loop never waits for etcd.
/// </summary>
/// <remarks>
/// <para>
/// A reply must mean "durable": the service, after the loop ran a request, awaits
/// <see cref="WhenDurableAsync"/>, which completes once every write queued up to that moment is
/// acknowledged by etcd. One writer sends the queue in order, as few Txns as possible (writes to
/// the same key coalesce; at most <see cref="MaxOpsPerTxn"/> keys per Txn, etcd's default limit).
/// </para>
/// <para>
/// Every Txn is guarded, as PD guards its writes: it applies only if the leader key's create
/// revision is still the one this term's election created. A deposed leader (its lease ran out
/// while it was paused or cut off, and another member leads) cannot overwrite the new leader's
/// metadata: its Txn fails, the store faults every waiting request with
/// <see cref="LeadershipLostException"/> and reports it through <see cref="Deposed"/>.
/// </para>
/// <para>
/// <see cref="Load"/>, <see cref="LoadRange"/>, <see cref="Save"/> and <see cref="Remove"/> run on
/// the scheduler's loop only (or on the thread that owns the store before the loop gets it);
/// <see cref="WhenDurableAsync"/> and <see cref="Fail"/> are safe from any thread. Values handed
/// out by the loads are the stored arrays: read them, do not change them.
/// </para>
/// </remarks>
public sealed partial class EtcdSchedulerKv : ISchedulerKv, IAsyncDisposable
{
    /// <summary>At most this many keys go into one Txn (etcd's default <c>--max-txn-ops</c>).</summary>
    public const int MaxOpsPerTxn = 128;

    private const int LoadPageSize = 512;
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromMilliseconds(100);

    private readonly SortedDictionary<string, byte[]> _entries;
    private readonly EtcdClient _etcd;
    private readonly EtcdKeys _keys;
    private readonly long _leaderRevision;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<Write> _queue = [];
    private readonly Queue<(long Sequence, TaskCompletionSource Done)> _waiters = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _deposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private long _queuedSequence;
    private long _durableSequence;
    private Exception? _failure;
    private (long Sequence, TaskCompletionSource Done)? _lastWaiter;

    private EtcdSchedulerKv(EtcdClient etcd, EtcdKeys keys, long leaderRevision, SortedDictionary<string, byte[]> entries, ILogger logger)
    {
        _etcd = etcd;
        _keys = keys;
        _leaderRevision = leaderRevision;
        _entries = entries;
        _logger = logger;
        _writer = Task.Run(() => WriteLoopAsync(_stop.Token));
    }

    /// <summary>Completes when a write found another member's leader key in etcd: this member no longer leads.</summary>
    public Task Deposed => _deposed.Task;

    /// <summary>How many keys the store holds.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Loads every metadata key under <paramref name="keys"/>' data prefix, at one revision, into
    /// a new store whose writes are guarded by the leader key's create revision <paramref name="leaderRevision"/>.
    /// </summary>
    /// <exception cref="RpcException">etcd did not answer.</exception>
    public static async Task<EtcdSchedulerKv> LoadAsync(EtcdClient etcd, EtcdKeys keys, long leaderRevision, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(logger);
        var entries = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var end = EtcdKeys.RangeEnd(keys.DataPrefix);
        var from = keys.DataPrefix;
        var revision = 0L;
        while (true)
        {
            var page = await etcd.GetAsync(
                new RangeRequest { Key = from, RangeEnd = end, Limit = LoadPageSize, Revision = revision },
                deadline: DateTime.UtcNow + s_callTimeout,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            revision = page.Header.Revision;
            foreach (var kv in page.Kvs)
            {
                entries[keys.StorageKey(kv.Key)] = kv.Value.ToByteArray();
            }

            if (!page.More || page.Kvs.Count == 0)
            {
                break;
            }

            // The next page starts just after the last key of this one.
            from = ByteString.CopyFrom([.. page.Kvs[^1].Key.Span, (byte)0]);
        }

        return new EtcdSchedulerKv(etcd, keys, leaderRevision, entries, logger);
    }

    /// <inheritdoc />
    public byte[]? Load(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.GetValueOrDefault(key);
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, byte[]>> LoadRange(string startKey, string endKey, int limit)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        ArgumentNullException.ThrowIfNull(endKey);
        var result = new List<KeyValuePair<string, byte[]>>();
        foreach (var entry in _entries)
        {
            if (string.CompareOrdinal(entry.Key, startKey) < 0)
            {
                continue;
            }

            if (string.CompareOrdinal(entry.Key, endKey) >= 0 || (limit > 0 && result.Count >= limit))
            {
                break;
            }

            result.Add(entry);
        }

        return result;
    }

    /// <inheritdoc />
    /// <remarks>Durable once <see cref="WhenDurableAsync"/>, asked after this call, completes.</remarks>
    public void Save(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var copy = (byte[])value.Clone();
        _entries[key] = copy;
        Enqueue(key, copy);
    }

    /// <inheritdoc />
    /// <remarks>Durable once <see cref="WhenDurableAsync"/>, asked after this call, completes.</remarks>
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _entries.Remove(key);
        Enqueue(key, null);
    }

    /// <summary>
    /// A task that completes when every write queued before this call is acknowledged by etcd,
    /// and faults with <see cref="LeadershipLostException"/> if this member stops leading first.
    /// </summary>
    public Task WhenDurableAsync()
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return Task.FromException(_failure);
            }

            if (_queuedSequence <= _durableSequence)
            {
                return Task.CompletedTask;
            }

            // Requests that found the same queue share one waiter: they wait for the same sequence.
            if (_lastWaiter is { } last && last.Sequence == _queuedSequence)
            {
                return last.Done.Task;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _lastWaiter = (_queuedSequence, done);
            _waiters.Enqueue(_lastWaiter.Value);
            return done.Task;
        }
    }

    /// <summary>
    /// Ends the store for good (the term ends): every waiting and later
    /// <see cref="WhenDurableAsync"/> faults with <paramref name="reason"/>, and nothing more is
    /// written. Writes etcd did not acknowledge yet may or may not have been applied.
    /// </summary>
    public void Fail(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        List<TaskCompletionSource> failed;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = reason;
            failed = [.. _waiters.Select(w => w.Done)];
            _waiters.Clear();
            _queue.Clear();
        }

        foreach (var waiter in failed)
        {
            waiter.TrySetException(reason);
        }

        _stop.Cancel();
    }

    /// <summary>Stops the writer (failing what still waits) and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Fail(new LeadershipLostException("the scheduler is stopping"));
        try
        {
            await _writer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for etcd.
        }

        _stop.Dispose();
    }

    private void Enqueue(string key, byte[]? value)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                // The term is over: the write is dropped; no request waits for it successfully.
                return;
            }

            _queue.Add(new Write(++_queuedSequence, key, value));
        }

        _wake.Writer.TryWrite(true);
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                while (TakeBatch() is { } batch)
                {
                    await CommitAsync(batch, stop).ConfigureAwait(false);
                    MarkDurable(batch.UpTo);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The term ended.
        }
        catch (LeadershipLostException lost)
        {
            LogDeposed(_leaderRevision);
            Fail(lost);
            _deposed.TrySetResult();
        }
    }

    /// <summary>The longest prefix of the queue that fits one Txn, writes to one key coalesced to the last; null if the queue is empty.</summary>
    private Batch? TakeBatch()
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                return null;
            }

            var ops = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
            var order = new List<string>();
            var taken = 0;
            foreach (var write in _queue)
            {
                if (!ops.ContainsKey(write.Key))
                {
                    if (order.Count == MaxOpsPerTxn)
                    {
                        break;
                    }

                    order.Add(write.Key);
                }

                ops[write.Key] = write.Value;
                taken++;
            }

            var upTo = _queue[taken - 1].Sequence;
            _queue.RemoveRange(0, taken);
            return new Batch([.. order.Select(k => (k, ops[k]))], upTo);
        }
    }

    /// <summary>Sends one batch as a guarded Txn, again after a transient failure, until etcd applies or refuses it.</summary>
    /// <exception cref="LeadershipLostException">The leader key is no longer this term's: another member leads.</exception>
    private async Task CommitAsync(Batch batch, CancellationToken stop)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare
        {
            Key = _keys.Leader,
            Target = Compare.Types.CompareTarget.Create,
            Result = Compare.Types.CompareResult.Equal,
            CreateRevision = _leaderRevision,
        });
        foreach (var (key, value) in batch.Ops)
        {
            txn.Success.Add(value is null
                ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = _keys.Data(key) } }
                : new RequestOp { RequestPut = new PutRequest { Key = _keys.Data(key), Value = ByteString.CopyFrom(value) } });
        }

        while (true)
        {
            try
            {
                var response = await _etcd.TransactionAsync(txn, deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: stop).ConfigureAwait(false);
                if (!response.Succeeded)
                {
                    throw new LeadershipLostException();
                }

                return;
            }
            catch (RpcException ex) when (!stop.IsCancellationRequested)
            {
                // etcd unreachable or slow: send the same batch again (puts and deletes repeat
                // safely). If it stays away, the lease runs out and the term ends, failing the waiters.
                LogWriteRetry(ex.StatusCode, batch.Ops.Count);
                await Task.Delay(s_retryDelay, stop).ConfigureAwait(false);
            }
        }
    }

    private void MarkDurable(long sequence)
    {
        var done = new List<TaskCompletionSource>();
        lock (_lock)
        {
            _durableSequence = sequence;
            while (_waiters.TryPeek(out var waiter) && waiter.Sequence <= sequence)
            {
                done.Add(_waiters.Dequeue().Done);
            }
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd write of {Keys} keys failed ({Status}); retrying")]
    private partial void LogWriteRetry(StatusCode status, int keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a metadata write was refused: the leader key no longer has create revision {Revision}, another member leads")]
    private partial void LogDeposed(long revision);

    private readonly record struct Write(long Sequence, string Key, byte[]? Value);

    private sealed record Batch(IReadOnlyList<(string Key, byte[]? Value)> Ops, long UpTo);
}
