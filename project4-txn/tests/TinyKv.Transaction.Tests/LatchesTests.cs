using FluentAssertions;
using TinyKv.Storage.Engine;
using TinyKv.Transaction.Mvcc;
using TinyKv.Transaction.Tests.Commands;
using Xunit;
using Lock = TinyKv.Transaction.Mvcc.Lock;

namespace TinyKv.Transaction.Tests;

/// <summary>
/// Per-key latches, which make each command atomic with respect to the others. Given code, not
/// a slot, so these tests are ungraded. The first is ported from the original course's latch
/// test; the others add what it left out: waiting, and the check the command tests rely on.
/// </summary>
public sealed class LatchesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // Original: TestAcquireLatches
    [Fact]
    public void A_latch_is_held_by_one_command_until_released()
    {
        var latches = new Latches();

        latches.TryAcquire([[], [3], [3, 0, 42]]).Should().BeNull("no key is latched yet, so all three are taken at once");
        latches.TryAcquire([[]]).Should().NotBeNull("the empty key is latched already");
        latches.TryAcquire([[3, 0, 42]]).Should().NotBeNull("key [3 0 42] is latched already");

        latches.Release([[3], [3, 0, 43]]);

        latches.TryAcquire([[3]]).Should().BeNull("key [3] was released (releasing [3 0 43], never latched, is ignored)");
        latches.TryAcquire([[3, 0, 42]]).Should().NotBeNull("key [3 0 42] was not released");
    }

    [Fact]
    public async Task A_second_acquire_of_an_overlapping_key_set_waits_until_the_first_is_released()
    {
        var latches = new Latches();
        byte[][] first = [[1], [2]];
        byte[][] second = [[2], [3]];

        latches.TryAcquire(first).Should().BeNull("no key is latched yet");
        var wait = latches.TryAcquire(second);

        wait.Should().NotBeNull("key [2] is held by the first set, so the second must wait");
        wait!.IsCompleted.Should().BeFalse("nothing was released yet");
        latches.TryAcquire([[3]]).Should().BeNull("a refused acquire takes none of its keys, so [3] is still free");
        latches.Release([[3]]);

        latches.Release(first);

        Func<Task> waiting = () => wait;
        await waiting.Should().CompleteWithinAsync(Bound, "releasing the first set wakes whoever waits on it");
        latches.TryAcquire(second).Should().BeNull("after the release the second set can be taken");
    }

    [Fact]
    public async Task A_waiting_acquire_completes_once_the_holder_releases()
    {
        var latches = new Latches();
        byte[][] first = [[1], [2]];
        await latches.AcquireAsync(first);

        var acquirer = latches.AcquireAsync([[2], [3]]).AsTask();

        acquirer.IsCompleted.Should().BeFalse("key [2] is held, so the acquire must wait");
        latches.Release(first);
        Func<Task> acquiring = () => acquirer;
        await acquiring.Should().CompleteWithinAsync(Bound, "the acquire completes once the holder released key [2]");
        latches.TryAcquire([[3]]).Should().NotBeNull("the waiting acquire took all of its keys, [3] included");
    }

    [Fact]
    public void Disjoint_key_sets_do_not_wait_for_each_other()
    {
        var latches = new Latches();

        latches.TryAcquire([[1], [2]]).Should().BeNull("no key is latched yet");
        latches.TryAcquire([[3], [1, 2]]).Should().BeNull("keys [3] and [1 2] are not latched, whatever else is");
    }

    [Fact]
    public void The_command_tests_catch_a_write_to_a_key_that_was_not_latched()
    {
        using var builder = new CommandTestBuilder();
        using var reader = builder.Storage.Reader();
        var txn = new MvccTxn(reader, 100);
        txn.PutValue([7], [1]);
        txn.PutLock([8], new Lock([7], 100, 0, WriteKind.Put));

        builder.Api.Latches.Validate(txn, [[7]]);
        var check = () => builder.ShouldHaveLatchedEveryWrite("the test");

        check.Should().Throw<Exception>("the lock on key [8] was written without its latch, and the builder must say so")
            .WithMessage("*08 in lock*");
        builder.Storage.Len(ColumnFamily.Lock).Should().Be(0, "the check itself writes nothing");
    }
}
