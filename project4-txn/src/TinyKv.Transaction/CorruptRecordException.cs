namespace TinyKv.Transaction;

/// <summary>
/// A record in the <c>lock</c> or <c>write</c> column family that is not a lock or a write
/// record: the store's data is bad, not the request. Transactions only ever store well-formed
/// records there; such a record comes from a raw write (<c>RawPut</c> with <c>cf</c> set to
/// <c>lock</c> or <c>write</c>), which bypasses the transaction layer.
/// </summary>
/// <remarks>
/// <para>The message names the column family and the stored key (bounded, see <see cref="Quote"/>)
/// and says how to repair: a raw delete of that key in that family.</para>
/// <para>The server answers it with <c>FAILED_PRECONDITION</c>: the request was well formed
/// (not <c>INVALID_ARGUMENT</c>), the server did not fail (not <c>INTERNAL</c>), and retrying is
/// useless until someone fixes the store's state — gRPC's rule for that status. It is not
/// <c>DATA_LOSS</c>, which says data is gone for good: here a raw delete or overwrite repairs the
/// record, and nothing a transaction wrote was lost.</para>
/// </remarks>
public sealed class CorruptRecordException : FormatException
{
    public CorruptRecordException()
    {
    }

    public CorruptRecordException(string message)
        : base(message)
    {
    }

    public CorruptRecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A corrupt record in <paramref name="columnFamily"/> under <paramref name="key"/> (null when the decoder does not know it).</summary>
    public CorruptRecordException(string columnFamily, byte[]? key, string problem, Exception? innerException = null)
        : base(Describe(columnFamily, key, problem), innerException)
    {
        ColumnFamily = columnFamily;
        Key = key;
        Problem = problem;
    }

    /// <summary>The column family holding the record.</summary>
    public string? ColumnFamily { get; }

    /// <summary>The key the record is stored under, as stored; null when not known.</summary>
    public byte[]? Key { get; }

    /// <summary>What is wrong with the record's bytes.</summary>
    public string? Problem { get; }

    /// <summary>This error, now naming the <paramref name="key"/> the record was read from.</summary>
    public CorruptRecordException At(byte[] key, string? context = null) =>
        new(ColumnFamily ?? "?", key, context is null ? Problem ?? Message : $"{Problem ?? Message} ({context})", this);

    private static string Describe(string columnFamily, byte[]? key, string problem)
    {
        var where = key is null ? string.Empty : $" under key {Quote.Hex(key)}";
        return $"the {columnFamily} column family holds a corrupt record{where}: {problem}. " +
            $"Only transactions write that family, and they never write this: it came from a raw write, which bypasses them. " +
            $"A raw delete of the key in the {columnFamily} family removes it";
    }
}
