using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

/// <summary>The engine contract, held against the in-memory engine of simulations.</summary>
public sealed class MemoryEngineTests : EngineContractTests
{
    protected override IKvEngine CreateEngine() => new MemoryEngine();

    /// <summary>
    /// The in-memory engine's trees share nodes between versions and change the nodes a batch
    /// made in place: many batches of puts, overwrites and deletes (enough to rebalance often)
    /// must leave every older snapshot exactly as it was taken.
    /// </summary>
    [Fact]
    public void Snapshots_keep_their_contents_while_many_later_batches_rebalance_the_trees()
    {
        var random = new Random(20261204);
        var model = new SortedDictionary<byte[], byte[]>(ByteComparer.Instance);
        var kept = new List<(IEngineSnapshot Snapshot, string[] Expected)>();
        for (var round = 0; round < 300; round++)
        {
            var batch = new WriteBatch();
            for (var op = 0; op < 20; op++)
            {
                var key = BitConverter.GetBytes((ushort)random.Next(500));
                if (random.Next(3) == 0)
                {
                    batch.Delete(ColumnFamily.Default, key);
                    model.Remove(key);
                }
                else
                {
                    var value = BitConverter.GetBytes(random.Next());
                    batch.Put(ColumnFamily.Default, key, value);
                    model[key] = value;
                }
            }

            Engine.Write(batch);
            if (round % 25 == 0)
            {
                kept.Add((Engine.GetSnapshot(), [.. model.Select(Hex)]));
            }
        }

        foreach (var (snapshot, expected) in kept)
        {
            Entries(snapshot, ColumnFamily.Default).Should().Equal(expected);
            snapshot.Dispose();
        }
    }
}
