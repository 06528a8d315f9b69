using Google.Protobuf;
using TinyKv.Storage;
using TinyKv.Storage.Engine;

namespace TinyKv.Standalone.Tests;

/// <summary>
/// A started standalone storage over an in-memory engine, the raw API over it, and the
/// direct storage access the tests use to arrange and check data without the API under test.
/// </summary>
public sealed class StandaloneFixture : IDisposable
{
    public StandaloneFixture()
    {
        Storage = new StandaloneStorage(new MemoryEngine());
        Storage.Start();
        Api = new RawApi(Storage);
    }

    public StandaloneStorage Storage { get; }

    public RawApi Api { get; }

    /// <summary>Writes a key straight through the storage.</summary>
    public async Task SetAsync(string cf, byte[] key, byte[] value) => await Storage.WriteAsync(null, [Modify.Put(cf, key, value)]);

    /// <summary>Reads a key straight through a fresh storage reader.</summary>
    public async Task<byte[]?> GetAsync(string cf, byte[] key)
    {
        using var reader = await Storage.ReaderAsync(null);
        return reader.GetCF(cf, key);
    }

    /// <summary>The keys of <paramref name="cf"/> in order, read straight through a storage reader.</summary>
    public async Task<List<byte[]>> KeysAsync(string cf)
    {
        using var reader = await Storage.ReaderAsync(null);
        using var iterator = reader.IterCF(cf);
        var keys = new List<byte[]>();
        for (; iterator.Valid; iterator.Next())
        {
            keys.Add(iterator.Item.Key);
        }

        return keys;
    }

    public void Dispose() => Storage.Stop();

    public static ByteString Bytes(params byte[] bytes) => ByteString.CopyFrom(bytes);
}
