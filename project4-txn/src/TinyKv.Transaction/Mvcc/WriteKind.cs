using TinyKv.Proto.Kvrpcpb;

namespace TinyKv.Transaction.Mvcc;

/// <summary>What a write record (or a lock) stands for. The values are the stored bytes.</summary>
public enum WriteKind : byte
{
    /// <summary>The transaction wrote a value.</summary>
    Put = 1,

    /// <summary>The transaction deleted the key.</summary>
    Delete = 2,

    /// <summary>The transaction was rolled back: nothing it wrote counts, and it may never commit.</summary>
    Rollback = 3,
}

/// <summary>Conversions between <see cref="WriteKind"/> and the protocol's <see cref="Op"/>.</summary>
public static class WriteKinds
{
    /// <summary>The kind of write a mutation makes.</summary>
    /// <exception cref="ArgumentException">The operation is not a put, a delete or a rollback.</exception>
    public static WriteKind FromProto(Op op) => op switch
    {
        Op.Put => WriteKind.Put,
        Op.Del => WriteKind.Delete,
        Op.Rollback => WriteKind.Rollback,
        _ => throw new ArgumentException($"a mutation must put, delete or roll back, not '{op}'", nameof(op)),
    };

    /// <summary>The protocol operation of a kind.</summary>
    public static Op ToProto(this WriteKind kind) => kind switch
    {
        WriteKind.Put => Op.Put,
        WriteKind.Delete => Op.Del,
        WriteKind.Rollback => Op.Rollback,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a write kind"),
    };
}
