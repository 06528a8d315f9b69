using FluentAssertions;
using TinyKv.Storage.Engine;
using Xunit;

namespace TinyKv.Storage.Tests;

// Part of the engine contract: every member may be called from any thread. The simulator runs
// on one thread, but a real server's workers share one engine, so both engines must hold up.
public abstract partial class EngineContractTests
{
    private const int Writers = 4;
    private const int BatchesPerWriter = 200;

    [Fact]
    public void Batches_written_from_several_threads_all_land()
    {
        var writers = Enumerable.Range(0, Writers).Select(writer => new Thread(() =>
        {
            for (var i = 0; i < BatchesPerWriter; i++)
            {
                Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [(byte)writer, (byte)(i >> 8), (byte)i], [(byte)writer]));
            }
        })).ToList();

        writers.ForEach(thread => thread.Start());
        writers.ForEach(thread => thread.Join());

        using var snapshot = Engine.GetSnapshot();
        Keys(snapshot, ColumnFamily.Default).Should().HaveCount(Writers * BatchesPerWriter);
    }

    [Fact]
    public void A_reader_racing_a_writer_never_sees_half_a_batch()
    {
        // Each batch writes the same counter into the default and the write column family;
        // a snapshot that saw one without the other would have caught half a batch.
        var torn = new List<string>();
        var done = false;
        var writer = new Thread(() =>
        {
            for (var i = 1; i <= BatchesPerWriter; i++)
            {
                var counter = BitConverter.GetBytes(i);
                Engine.Write(new WriteBatch().Put(ColumnFamily.Default, [1], counter).Put(ColumnFamily.Write, [1], counter));
            }

            Volatile.Write(ref done, true);
        });

        writer.Start();
        while (!Volatile.Read(ref done))
        {
            using var snapshot = Engine.GetSnapshot();
            var left = snapshot.Get(ColumnFamily.Default, [1]);
            var right = snapshot.Get(ColumnFamily.Write, [1]);
            if (!(left ?? []).AsSpan().SequenceEqual(right ?? []))
            {
                torn.Add($"default={Convert.ToHexString(left ?? [])} write={Convert.ToHexString(right ?? [])}");
            }
        }

        writer.Join();

        torn.Should().BeEmpty("a snapshot sees a batch whole or not at all");
    }
}
