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
/// </remarks>
public sealed class StandaloneStorage : IStorage
{
#if TINYKV_REF_1
    private readonly IKvEngine _engine;
#endif

    /// <summary>Creates a storage over <paramref name="engine"/>, which it owns from now on.</summary>
    public StandaloneStorage(IKvEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
#if TINYKV_REF_1
        _engine = engine;
#else
        throw Todo.Slot("1", "keep the engine for later calls; see the Stage 1 handout, 'Standalone storage'");
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
        _engine.Dispose();
#else
        throw Todo.Slot("1", "close the engine; see the Stage 1 handout");
#endif
    }

    /// <inheritdoc />
    public void Write(Context? ctx, IReadOnlyList<Modify> batch)
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

        _engine.Write(writeBatch, sync: true);
#else
        throw Todo.Slot("1", "turn the modifications into one engine WriteBatch and write it durably; see the Stage 1 handout, 'Writes'");
#endif
    }

    /// <inheritdoc />
    public IStorageReader Reader(Context? ctx)
    {
#if TINYKV_REF_1
        return new StandaloneReader(_engine.GetSnapshot());
#else
        throw Todo.Slot("1", "return a StandaloneReader over an engine snapshot; see the Stage 1 handout, 'Reads'");
#endif
    }
}
