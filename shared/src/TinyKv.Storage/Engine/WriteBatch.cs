namespace TinyKv.Storage.Engine;

/// <summary>One put or delete of a write batch.</summary>
/// <param name="Cf">The column family.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value for a put; null for a delete.</param>
public readonly record struct WriteOp(string Cf, byte[] Key, byte[]? Value)
{
    /// <summary>Whether this operation deletes <see cref="Key"/>.</summary>
    public bool IsDelete => Value is null;
}

/// <summary>
/// Puts and deletes across column families, applied atomically and in order by
/// <see cref="IKvEngine.Write"/>. The batch copies nothing: callers must not change a key or
/// value array after adding it.
/// </summary>
public sealed class WriteBatch
{
    private readonly List<WriteOp> _ops = [];

    /// <summary>The operations, in the order they were added.</summary>
    public IReadOnlyList<WriteOp> Ops => _ops;

    /// <summary>How many operations the batch holds.</summary>
    public int Count => _ops.Count;

    /// <summary>Adds a put of <paramref name="value"/> under <paramref name="key"/> in <paramref name="cf"/>.</summary>
    /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    public WriteBatch Put(string cf, byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _ops.Add(new WriteOp(ColumnFamily.Require(cf), key, value));
        return this;
    }

    /// <summary>Adds a delete of <paramref name="key"/> in <paramref name="cf"/>. Deleting an absent key is not an error.</summary>
    /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
    public WriteBatch Delete(string cf, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _ops.Add(new WriteOp(ColumnFamily.Require(cf), key, null));
        return this;
    }

    /// <summary>Adds every operation of <paramref name="other"/>, in its order, after this batch's own.</summary>
    public WriteBatch Append(WriteBatch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _ops.AddRange(other._ops);
        return this;
    }

    /// <summary>Removes every operation, so the batch can be reused.</summary>
    public void Clear() => _ops.Clear();
}
