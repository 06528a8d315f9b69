using TinyKv.Storage.Engine;

namespace TinyKv.Storage.Tests;

/// <summary>
/// The column-family engine contract (<see cref="IKvEngine"/>), held against every engine:
/// the in-memory one of simulations and the RocksDB one of real servers pass the same tests.
/// A subclass says how to build its engine; each test gets a fresh one.
/// </summary>
public abstract partial class EngineContractTests : IDisposable
{
    private readonly Lazy<IKvEngine> _engine;

    protected EngineContractTests() => _engine = new Lazy<IKvEngine>(CreateEngine);

    /// <summary>The engine under test, created on first use.</summary>
    protected IKvEngine Engine => _engine.Value;

    public virtual void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new, empty engine.</summary>
    protected abstract IKvEngine CreateEngine();

    /// <summary>Writes one put in a batch of its own.</summary>
    protected void Put(string cf, byte[] key, byte[] value) => Engine.Write(new WriteBatch().Put(cf, key, value));

    /// <summary>Every key of <paramref name="cf"/> in <paramref name="snapshot"/>, in iteration order, as hex.</summary>
    protected static List<string> Keys(IEngineSnapshot snapshot, string cf)
    {
        using var iterator = snapshot.NewIterator(cf);
        var keys = new List<string>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            keys.Add(Convert.ToHexString(iterator.Key));
        }

        return keys;
    }
}
