using System.Collections.Immutable;

namespace TinyKv.Storage.Engine;

public sealed partial class MemoryEngine
{
    /// <summary>One key and its value. Entries are compared by key alone.</summary>
    private readonly record struct Entry(byte[] Key, byte[] Value)
    {
        /// <summary>An entry that only carries a key, to look one up or to seek.</summary>
        public static Entry Probe(ReadOnlySpan<byte> key) => new(key.ToArray(), []);
    }

    /// <summary>Orders entries by key, as <see cref="ByteComparer"/> orders keys.</summary>
    private sealed class EntryComparer : IComparer<Entry>
    {
        public static EntryComparer Instance { get; } = new();

        public int Compare(Entry x, Entry y) => ByteComparer.Compare(x.Key, y.Key);
    }

    /// <summary>
    /// The three column families at one moment. Never changed once built: a batch makes new
    /// tables, which share every untouched node of the trees with the old ones.
    /// </summary>
    private sealed record Tables(
        ImmutableSortedSet<Entry> Default,
        ImmutableSortedSet<Entry> Lock,
        ImmutableSortedSet<Entry> Write)
    {
        private static readonly ImmutableSortedSet<Entry> s_emptySet = ImmutableSortedSet.Create<Entry>(EntryComparer.Instance);

        public static Tables Empty { get; } = new(s_emptySet, s_emptySet, s_emptySet);

        /// <summary>The entries of <paramref name="cf"/>, in key order.</summary>
        /// <exception cref="UnknownColumnFamilyException"><paramref name="cf"/> is not a column family.</exception>
        public ImmutableSortedSet<Entry> Family(string cf) => ColumnFamily.Require(cf) switch
        {
            ColumnFamily.Default => Default,
            ColumnFamily.Lock => Lock,
            _ => Write,
        };

        /// <summary>A copy of the value of <paramref name="key"/> in <paramref name="cf"/>, or null.</summary>
        public byte[]? Get(string cf, ReadOnlySpan<byte> key) =>
            Family(cf).TryGetValue(Entry.Probe(key), out var found) ? found.Value.ToArray() : null;

        /// <summary>New tables with every operation of <paramref name="batch"/> applied in order.</summary>
        public Tables Apply(WriteBatch batch)
        {
            // A builder per column family the batch touches; the others keep their sets.
            ImmutableSortedSet<Entry>.Builder? defaults = null, locks = null, writes = null;
            foreach (var op in batch.Ops)
            {
                var family = ColumnFamily.Require(op.Cf) switch
                {
                    ColumnFamily.Default => defaults ??= Default.ToBuilder(),
                    ColumnFamily.Lock => locks ??= Lock.ToBuilder(),
                    _ => writes ??= Write.ToBuilder(),
                };

                // The set keeps the first of two equal entries, so an overwrite removes the old one first.
                var entry = new Entry(op.Key.ToArray(), op.Value?.ToArray() ?? []);
                family.Remove(entry);
                if (!op.IsDelete)
                {
                    family.Add(entry);
                }
            }

            return new Tables(
                defaults?.ToImmutable() ?? Default,
                locks?.ToImmutable() ?? Lock,
                writes?.ToImmutable() ?? Write);
        }
    }
}
