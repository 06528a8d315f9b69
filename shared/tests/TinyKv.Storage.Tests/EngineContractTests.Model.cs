using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: after many random batches the engine agrees with a plain sorted
// map on every read, so no corner of the ordering or of overwrite-and-delete is left untried.
public abstract partial class EngineContractTests
{
    [Fact]
    public void Random_batches_leave_the_engine_equal_to_a_sorted_map()
    {
        var random = new Random(20261124);
        var model = ColumnFamily.All.ToDictionary(cf => cf, _ => new SortedDictionary<byte[], byte[]>(ByteComparer.Instance));
        for (var round = 0; round < 40; round++)
        {
            var batch = new WriteBatch();
            for (var op = 0; op < 10; op++)
            {
                var cf = ColumnFamily.All[random.Next(ColumnFamily.All.Count)];
                var key = SmallKey(random);
                if (random.Next(4) == 0)
                {
                    batch.Delete(cf, key);
                    model[cf].Remove(key);
                }
                else
                {
                    var value = new byte[random.Next(4)];
                    random.NextBytes(value);
                    batch.Put(cf, key, value);
                    model[cf][key] = value;
                }
            }

            Engine.Write(batch);
        }

        using var snapshot = Engine.GetSnapshot();
        foreach (var cf in ColumnFamily.All)
        {
            Entries(snapshot, cf).Should().Equal(model[cf].Select(Hex), "column family {0} must hold what the batches left", cf);
        }
    }

    [Fact]
    public void Seek_agrees_with_a_sorted_map_for_every_target()
    {
        var random = new Random(7);
        var model = new SortedSet<byte[]>(ByteComparer.Instance);
        var batch = new WriteBatch();
        for (var i = 0; i < 60; i++)
        {
            var key = SmallKey(random);
            batch.Put(ColumnFamily.Write, key, [1]);
            model.Add(key);
        }

        Engine.Write(batch);
        using var snapshot = Engine.GetSnapshot();
        using var iterator = snapshot.NewIterator(ColumnFamily.Write);

        for (var i = 0; i < 200; i++)
        {
            var target = SmallKey(random);
            var expected = model.FirstOrDefault(key => ByteComparer.Compare(key, target) >= 0);

            iterator.Seek(target);

            (iterator.Valid ? Convert.ToHexString(iterator.Key) : null).Should().Be(
                expected is null ? null : Convert.ToHexString(expected),
                "Seek({0}) stands on the first key at or after it",
                Convert.ToHexString(target));
        }
    }

    /// <summary>Short keys from a small alphabet, so that equal keys, prefixes and 0x00/0xFF bytes are common.</summary>
    private static byte[] SmallKey(Random random)
    {
        ReadOnlySpan<byte> alphabet = [0x00, 0x01, 0x7F, 0x80, 0xFF];
        var key = new byte[random.Next(4)];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = alphabet[random.Next(alphabet.Length)];
        }

        return key;
    }

    private protected static string Hex(KeyValuePair<byte[], byte[]> entry) =>
        $"{Convert.ToHexString(entry.Key)}={Convert.ToHexString(entry.Value)}";

    private protected static List<string> Entries(IEngineSnapshot snapshot, string cf)
    {
        using var iterator = snapshot.NewIterator(cf);
        var entries = new List<string>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            entries.Add(Hex(new(iterator.Key, iterator.Value)));
        }

        return entries;
    }
}
