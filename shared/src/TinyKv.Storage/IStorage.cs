using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Storage;

/// <summary>
/// The storage a TinyKV server is written against. Stage 1 implements it over one local
/// engine (standalone storage); Stage 2 implements it over Raft, so the same KV handlers
/// become replicated without change.
/// </summary>
/// <remarks>
/// <para>The request <see cref="Context"/> tells a replicated storage which region and peer a
/// request is for; standalone storage ignores it.</para>
/// <para>Asynchronous: a write waits for the disk (or, replicated, for a quorum of the Raft
/// group), a reader for the log to confirm it may read. While it waits, no thread waits with
/// it: the task completes when the write is durable or the reader is ready, and the handler
/// awaiting it resumes then. A server serves many clients this way with a handful of threads.
/// Awaiting is the only way to wait on these tasks; <c>.Wait()</c> or <c>.Result</c> on a
/// request path starves the server under load.</para>
/// </remarks>
public interface IStorage
{
    /// <summary>Opens whatever the storage needs. Called once before any read or write.</summary>
    void Start();

    /// <summary>Closes the storage; no call may follow.</summary>
    void Stop();

    /// <summary>
    /// Applies <paramref name="batch"/> atomically: afterwards a reader sees every modification
    /// or, if the task faults, none. The task completes once the write is durable.
    /// </summary>
    /// <exception cref="Engine.UnknownColumnFamilyException">A modification names an unknown column family.</exception>
    ValueTask WriteAsync(Context? ctx, IReadOnlyList<Modify> batch);

    /// <summary>
    /// A reader over a consistent snapshot of the storage, one that sees every write
    /// acknowledged before this call. The caller disposes it (the original course's <c>Close</c>).
    /// </summary>
    ValueTask<IStorageReader> ReaderAsync(Context? ctx);
}

/// <summary>Reads one consistent snapshot of a storage.</summary>
public interface IStorageReader : IDisposable
{
    /// <summary>The value of <paramref name="key"/> in <paramref name="cf"/>, or null when the key is absent.</summary>
    /// <exception cref="Engine.UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    byte[]? GetCF(string cf, byte[] key);

    /// <summary>
    /// An iterator over the keys of <paramref name="cf"/> in ascending order, standing on the
    /// first key (not valid when the column family is empty). The caller disposes it.
    /// </summary>
    /// <exception cref="Engine.UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    IDbIterator IterCF(string cf);
}

/// <summary>A forward iterator over one column family of a storage reader.</summary>
public interface IDbIterator : IDisposable
{
    /// <summary>Whether the iterator stands on an item.</summary>
    bool Valid { get; }

    /// <summary>The current item. Only when <see cref="Valid"/>.</summary>
    IDbItem Item { get; }

    /// <summary>Moves to the next item.</summary>
    void Next();

    /// <summary>Moves to the first item whose key is greater than or equal to <paramref name="key"/>.</summary>
    void Seek(byte[] key);
}

/// <summary>A key and its value, as an iterator found them.</summary>
public interface IDbItem
{
    byte[] Key { get; }

    byte[] Value { get; }
}

/// <summary>What a modification does.</summary>
public enum ModifyKind
{
    Put,
    Delete,
}

/// <summary>One write to a storage: a put or a delete of a key in a column family.</summary>
public sealed record Modify(ModifyKind Kind, string Cf, byte[] Key, byte[]? Value)
{
    /// <summary>A put of <paramref name="value"/> under <paramref name="key"/> in <paramref name="cf"/>.</summary>
    public static Modify Put(string cf, byte[] key, byte[] value) => new(ModifyKind.Put, cf, key, value);

    /// <summary>A delete of <paramref name="key"/> in <paramref name="cf"/>.</summary>
    public static Modify Delete(string cf, byte[] key) => new(ModifyKind.Delete, cf, key, null);
}
