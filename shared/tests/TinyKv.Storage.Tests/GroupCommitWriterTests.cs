using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

/// <summary>
/// The group-commit writer: many callers' batches, each atomic and durable when its task
/// completes; a refused batch fails alone; stopping writes what is queued.
/// </summary>
public sealed class GroupCommitWriterTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);
    private readonly CountingEngine _engine = new();

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Every_batch_of_many_concurrent_callers_is_written_and_synced()
    {
        using var writer = new GroupCommitWriter(_engine);

        var writes = Enumerable.Range(0, 500)
            .Select(i => Task.Run(() => writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(i), [(byte)i]).Put(ColumnFamily.Lock, Key(i), [1]))))
            .ToList();
        await Task.WhenAll(writes).WaitAsync(s_bound);

        for (var i = 0; i < 500; i++)
        {
            _engine.Get(ColumnFamily.Default, Key(i)).Should().Equal((byte)i);
            _engine.Get(ColumnFamily.Lock, Key(i)).Should().Equal(1);
        }

        _engine.UnsyncedWrites.Should().Be(0, "the writer syncs every write it makes");
        _engine.SyncedWrites.Should().BeInRange(1, 500, "a group of batches costs one write, never more than one per batch");
    }

    [Fact]
    public async Task Batches_queued_while_the_engine_is_busy_share_one_write()
    {
        using var writer = new GroupCommitWriter(_engine);
        _engine.Hold();
        var first = writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(1), [1]));
        await _engine.WaitUntilHeldAsync().WaitAsync(s_bound);

        var queued = Enumerable.Range(2, 10).Select(i => writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(i), [1]))).ToList();
        _engine.Release();
        await Task.WhenAll([first, .. queued]).WaitAsync(s_bound);

        _engine.SyncedWrites.Should().Be(2, "the first batch is one write; the ten queued behind it are one more");
    }

    [Fact]
    public async Task A_batch_the_engine_refuses_fails_alone()
    {
        using var writer = new GroupCommitWriter(_engine);
        _engine.Hold();
        var first = writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(1), [1]));
        await _engine.WaitUntilHeldAsync().WaitAsync(s_bound);
        var good = writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(2), [2]));
        var bad = writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, CountingEngine.Refused, [3]).Put(ColumnFamily.Default, Key(4), [4]));
        _engine.Release();

        await Task.WhenAll(first, good).WaitAsync(s_bound);
        Func<Task> failing = () => bad;
        await failing.Should().ThrowAsync<IOException>();
        _engine.Get(ColumnFamily.Default, Key(2)).Should().Equal(2);
        _engine.Get(ColumnFamily.Default, Key(4)).Should().BeNull("the refused batch is atomic: none of it is written");
    }

    [Fact]
    public async Task Stopping_writes_what_is_queued_then_refuses_new_batches()
    {
        var writer = new GroupCommitWriter(_engine);
        _engine.Hold();
        var first = writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(1), [1]));
        await _engine.WaitUntilHeldAsync().WaitAsync(s_bound);
        var queued = writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(2), [2]));
        var stopping = Task.Run(writer.Dispose);
        _engine.Release();
        await stopping.WaitAsync(s_bound);

        await Task.WhenAll(first, queued).WaitAsync(s_bound);
        _engine.Get(ColumnFamily.Default, Key(2)).Should().Equal(2);
        Func<Task> late = () => writer.WriteAsync(new WriteBatch().Put(ColumnFamily.Default, Key(3), [3]));
        await late.Should().ThrowAsync<ObjectDisposedException>();
    }

    private static byte[] Key(int i) => [(byte)'k', (byte)(i >> 8), (byte)i];

    /// <summary>An in-memory engine that counts writes, can hold a write until released, and refuses one key.</summary>
    private sealed class CountingEngine : IKvEngine
    {
        public static readonly byte[] Refused = [(byte)'x'];
        private readonly MemoryEngine _inner = new();
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ManualResetEventSlim? _gate;
        private int _synced;
        private int _unsynced;

        public int SyncedWrites => Volatile.Read(ref _synced);

        public int UnsyncedWrites => Volatile.Read(ref _unsynced);

        /// <summary>The next write waits until <see cref="Release"/>.</summary>
        public void Hold() => _gate = new ManualResetEventSlim(false);

        public Task WaitUntilHeldAsync() => _held.Task;

        public void Release() => _gate?.Set();

        public void Write(WriteBatch batch, bool sync = false)
        {
            if (_gate is { } gate)
            {
                _held.TrySetResult();
                gate.Wait(s_bound);
                _gate = null;
            }

            if (batch.Ops.Any(op => op.Key.AsSpan().SequenceEqual(Refused)))
            {
                throw new IOException("the engine refuses this batch");
            }

            _inner.Write(batch, sync);
            Interlocked.Increment(ref sync ? ref _synced : ref _unsynced);
        }

        public byte[]? Get(string cf, ReadOnlySpan<byte> key) => _inner.Get(cf, key);

        public IEngineSnapshot GetSnapshot() => _inner.GetSnapshot();

        public void Dispose() => _inner.Dispose();
    }
}
