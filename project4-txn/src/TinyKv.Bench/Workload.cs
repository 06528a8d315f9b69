namespace TinyKv.Bench;

/// <summary>What each operation of a load run does.</summary>
public enum Workload
{
    /// <summary>Write one key (a raw put on TinyKV, a KV Put on etcd).</summary>
    Put,

    /// <summary>Read one key (a raw get on TinyKV, a linearizable Range on etcd).</summary>
    Get,

    /// <summary>A read with probability <see cref="BenchOptions.ReadFraction"/>, else a write.</summary>
    Mixed,

    /// <summary>
    /// An atomic write of <see cref="BenchOptions.TxnKeys"/> keys: a Percolator transaction
    /// (prewrite and commit) on TinyKV, a Txn with a compare and puts on etcd.
    /// </summary>
    Txn,
}
