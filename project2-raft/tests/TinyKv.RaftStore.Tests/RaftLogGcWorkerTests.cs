using FluentAssertions;
using TinyKv.Proto.Eraftpb;
using TinyKv.RaftStore.Meta;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.Simulation;
using Xunit;

namespace TinyKv.RaftStore.Tests;

/// <summary>The raft log GC worker deletes exactly the range it is given, later, on the store's loop.</summary>
public sealed class RaftLogGcWorkerTests
{
    [Fact]
    public void The_worker_deletes_the_requested_entries_later_and_no_others()
    {
        using var sim = new Simulator(1, nameof(RaftLogGcWorkerTests));
        var raft = new MemoryEngine();
        var batch = new WriteBatch();
        for (ulong index = 1; index <= 10; index++)
        {
            batch.PutMessage(Keys.RaftLogKey(1, index), new Entry { Index = index, Term = 1 });
            batch.PutMessage(Keys.RaftLogKey(2, index), new Entry { Index = index, Term = 1 });
        }

        raft.Write(batch);
        var worker = new RaftLogGcWorker(raft, sim, delayMicros: 1_000);

        worker.Schedule(1, 3, 8);
        MetaStore.RaftEntry(raft, 1, 3).Should().NotBeNull("the work happens later, off the caller's path");
        sim.RunUntilIdle(10);

        Enumerable.Range(1, 10).Select(i => MetaStore.RaftEntry(raft, 1, (ulong)i) is not null)
            .Should().Equal(true, true, false, false, false, false, false, true, true, true);
        Enumerable.Range(1, 10).Should().OnlyContain(i => MetaStore.RaftEntry(raft, 2, (ulong)i) != null, "other regions keep their logs");
        worker.Deleted.Should().Be(5);
    }
}
