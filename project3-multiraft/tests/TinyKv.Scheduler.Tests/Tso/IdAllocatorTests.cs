using FluentAssertions;
using TinyKv.Scheduler.Storage;
using Xunit;

namespace TinyKv.Scheduler.Tests.Tso;

/// <summary>The id allocator: unique, increasing, batched, and above every id handed out before a restart.</summary>
public sealed class IdAllocatorTests
{
    private readonly MemoryKv _kv = new();

    [Fact]
    public void Ids_increase_from_one()
    {
        var ids = new IdAllocator(new SchedulerStorage(_kv), batch: 10);

        Enumerable.Range(0, 25).Select(_ => ids.Alloc()).Should().Equal(Enumerable.Range(1, 25).Select(i => (ulong)i));
    }

    [Fact]
    public void The_bound_is_saved_once_per_batch_before_its_first_id()
    {
        var storage = new SchedulerStorage(_kv);
        var ids = new IdAllocator(storage, batch: 10);

        ids.Alloc();
        storage.LoadAllocIdBound().Should().Be(10UL);
        for (var i = 0; i < 9; i++)
        {
            ids.Alloc();
        }

        _kv.SaveCount.Should().Be(1);
        ids.Alloc().Should().Be(11UL);
        storage.LoadAllocIdBound().Should().Be(20UL);
    }

    [Fact]
    public void A_restarted_allocator_continues_above_the_saved_bound()
    {
        var first = new IdAllocator(new SchedulerStorage(_kv), batch: 10);
        var handedOut = Enumerable.Range(0, 3).Select(_ => first.Alloc()).ToList();

        var restarted = new IdAllocator(new SchedulerStorage(_kv), batch: 10);

        restarted.Alloc().Should().Be(11UL, "the rest of the first batch may have been handed out: skip it");
        handedOut.Should().OnlyContain(id => id < 11);
    }
}
