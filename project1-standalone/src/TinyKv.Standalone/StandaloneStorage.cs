using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Standalone;

/// <summary>
/// Storage on a single node: every read and write goes straight to one column-family engine,
/// with no replication. Stage 2 replaces it with a storage that replicates through Raft behind
/// the same <see cref="IStorage"/> contract.
/// </summary>
/// <remarks>
/// The storage owns its engine: <see cref="Stop"/> disposes it. Requests may arrive on
/// several threads at once; the engine is thread-safe, so the storage needs no lock of its own.
/// Writes go through a <see cref="GroupCommitWriter"/> (given): it writes the batches of many
/// requests with one sync and completes each request's task when its batch is durable, so no
/// request holds a thread while the disk syncs.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The storage's lifetime is Start/Stop, as IStorage says: Stop disposes the writer and the engine.")]
public sealed class StandaloneStorage : IStorage
{
#if TINYKV_REF_1
    private readonly IKvEngine _engine;
    private readonly GroupCommitWriter _writer;
#endif

    /// <summary>Creates a storage over <paramref name="engine"/>, which it owns from now on.</summary>
    public StandaloneStorage(IKvEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
#if TINYKV_REF_1
        _engine = engine;
        _writer = new GroupCommitWriter(engine, "standalone-writer");
#else
        throw Todo.Slot("1", "keep the engine for later calls and make a GroupCommitWriter over it; see the Stage 1 handout, 'Standalone storage'");
#endif
    }

    /// <inheritdoc />
    public void Start()
    {
#if TINYKV_REF_1
        // The engine is open once constructed; nothing else to start on a single node.
#else
        throw Todo.Slot("1", "start the storage (the engine is already open); see the Stage 1 handout");
#endif
    }

    /// <inheritdoc />
    public void Stop()
    {
#if TINYKV_REF_1
        _writer.Dispose(); // Writes what is queued; then nothing writes to the engine any more.
        _engine.Dispose();
#else
        throw Todo.Slot("1", "stop the writer, then close the engine; see the Stage 1 handout");
#endif
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(Context? ctx, IReadOnlyList<Modify> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
#if TINYKV_REF_1
        // One engine batch for the whole request: all of it lands, or none of it.
        var writeBatch = new WriteBatch();
        foreach (var modify in batch)
        {
            if (modify.Kind == ModifyKind.Put)
            {
                writeBatch.Put(modify.Cf, modify.Key, modify.Value!);
            }
            else
            {
                writeBatch.Delete(modify.Cf, modify.Key);
            }
        }

        await _writer.WriteAsync(writeBatch);
#else
        throw Todo.Slot("1", "turn the modifications into one engine WriteBatch and await the writer's WriteAsync; see the Stage 1 handout, 'Writes'");
#endif
    }

    /// <inheritdoc />
    public ValueTask<IStorageReader> ReaderAsync(Context? ctx)
    {
#if TINYKV_REF_1
        // A snapshot is ready at once: nothing to wait for on a single node.
        return ValueTask.FromResult<IStorageReader>(new StandaloneReader(_engine.GetSnapshot()));
#else
        throw Todo.Slot("1", "return a StandaloneReader over an engine snapshot; see the Stage 1 handout, 'Reads'");
#endif
    }
}
