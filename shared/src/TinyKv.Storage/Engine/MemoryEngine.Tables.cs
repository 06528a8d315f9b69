namespace TinyKv.Storage.Engine;

public sealed partial class MemoryEngine
{
    /// <summary>
    /// The three column families at one moment. Never changed once built: a batch makes new
    /// tables, which share every untouched node of the trees with the old ones.
    /// </summary>
    private sealed record Tables(Tree Default, Tree Lock, Tree Write)
    {
        public static Tables Empty { get; } = new(Tree.Empty, Tree.Empty, Tree.Empty);

        /// <summary>The entries of <paramref name="cf"/>, in key order.</summary>
        /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
        public Tree Family(string cf) => ColumnFamily.Require(cf) switch
        {
            ColumnFamily.Default => Default,
            ColumnFamily.Lock => Lock,
            _ => Write,
        };

        /// <summary>A copy of the value of <paramref name="key"/> in <paramref name="cf"/>, or null.</summary>
        public byte[]? Get(string cf, ReadOnlySpan<byte> key) => Family(cf).Find(key)?.ToArray();

        /// <summary>New tables with every operation of <paramref name="batch"/> applied in order.</summary>
        public Tables Apply(WriteBatch batch)
        {
            // An editor per column family the batch touches; the others keep their trees.
            Tree.Editor? defaults = null, locks = null, writes = null;
            var ops = batch.Ops;
            for (var i = 0; i < ops.Count; i++) // by index: no enumerator object per batch
            {
                var op = ops[i];
                var family = ColumnFamily.Require(op.Cf) switch
                {
                    ColumnFamily.Default => defaults ??= Default.Edit(),
                    ColumnFamily.Lock => locks ??= Lock.Edit(),
                    _ => writes ??= Write.Edit(),
                };

                if (op.IsDelete)
                {
                    family.Delete(op.Key);
                }
                else
                {
                    family.Put(op.Key.ToArray(), op.Value!.ToArray());
                }
            }

            return new Tables(
                defaults?.ToTree() ?? Default,
                locks?.ToTree() ?? Lock,
                writes?.ToTree() ?? Write);
        }
    }
}
