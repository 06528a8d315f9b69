using FluentAssertions;
using TinyKv.Codec;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using Xunit;
using static TinyKv.Transaction.Tests.Commands.CommandTestBuilder;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvPrewrite (4B): the first phase of a commit. Ported from the original course's command
/// tests, one method per original test. Every prewrite here has primary key [1]; the lock it
/// leaves is that primary, the kind (1 put, 2 delete), the start timestamp and the TTL.
/// </summary>
[Milestone("4B")]
public sealed class PrewriteTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public void Dispose() => _b.Dispose();

    // Original: TestEmptyPrewrite4B
    [Fact]
    public void A_prewrite_without_mutations_succeeds_and_writes_nothing()
    {
        var response = _b.Run(_b.NewPrewrite());

        response.Errors.Should().BeEmpty("a prewrite with nothing to write has nothing to fail on");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 0);
    }

    // Original: TestSinglePrewrite4B
    [Fact]
    public void A_prewrite_writes_the_value_at_its_start_and_locks_the_key()
    {
        var request = _b.NewPrewrite(Mutation(3, [42], Op.Put));
        request.LockTtl = 1000;

        var response = _b.Run(request);

        response.Errors.Should().BeEmpty("nothing stands in the way of a prewrite of key 3");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 1, 0);
        _b.Assert(
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 3, 232]));
    }

    // Original: TestPrewriteLocked4B
    [Fact]
    public void A_prewrite_of_a_key_locked_by_another_transaction_reports_locked_and_writes_nothing()
    {
        var first = _b.NewPrewrite(Mutation(3, [42], Op.Put));
        var second = _b.NewPrewrite(Mutation(3, [53], Op.Put));

        var firstResponse = _b.Run(first);
        var secondResponse = _b.Run(second);

        firstResponse.Errors.Should().BeEmpty("the first prewrite of key 3 finds it free");
        firstResponse.RegionError.Should().BeNull("the storage is local and healthy");
        secondResponse.Errors.Should().ContainSingle("the second prewrite (start 101) finds key 3 locked by the first (start 100)");
        secondResponse.Errors[0].Locked.Should().NotBeNull("a key held by another transaction's lock is reported as 'locked'");
        secondResponse.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 1, 0);
        _b.Assert(
            Kv.Default([3], [42], ts: 100),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    // Original: TestPrewriteWritten4B
    [Fact]
    public void A_prewrite_of_a_key_committed_after_its_start_reports_a_write_conflict()
    {
        var request = _b.NewPrewrite(Mutation(3, [42], Op.Put));
        _b.Init(
            Kv.Default([3], [5], ts: 80),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 101));

        var response = _b.Run(request);

        response.Errors.Should().ContainSingle("key 3 was committed at 101, after the prewrite's start at 100");
        response.Errors[0].Conflict.Should().NotBeNull("a write committed at or after the start is a write conflict");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 0, 1);
        _b.Assert(Kv.Default([3], [5], ts: 80));
    }

    // Original: TestPrewriteWrittenNoConflict4B
    [Fact]
    public void A_prewrite_of_a_key_committed_before_its_start_succeeds()
    {
        var request = _b.NewPrewrite(Mutation(3, [42], Op.Put));
        _b.Init(
            Kv.Default([3], [5], ts: 80),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 90));

        var response = _b.Run(request);

        response.Errors.Should().BeEmpty("key 3 was committed at 90, before the prewrite's start at 100: no conflict");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(2, 1, 1);
        _b.Assert(
            Kv.Default([3], [5], ts: 80),
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    // Original: TestMultiplePrewrites4B
    [Fact]
    public void Prewrites_of_different_keys_by_two_transactions_both_succeed()
    {
        var first = _b.NewPrewrite(Mutation(3, [42], Op.Put));
        var second = _b.NewPrewrite(Mutation(4, [53], Op.Put));

        var firstResponse = _b.Run(first);
        var secondResponse = _b.Run(second);

        firstResponse.Errors.Should().BeEmpty("key 3 is free");
        firstResponse.RegionError.Should().BeNull("the storage is local and healthy");
        secondResponse.Errors.Should().BeEmpty("key 4 is free: the first transaction locked key 3 only");
        secondResponse.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(2, 2, 0);
        _b.Assert(
            Kv.Default([3], [42], ts: 100),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([4], [53], ts: 101),
            Kv.Lock([4], [1, 1, 0, 0, 0, 0, 0, 0, 0, 101, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    // Original: TestPrewriteOverwrite4B
    // Adapted: the original puts key 3 twice in one request; here a request naming a key twice
    // is refused (see BadRequestTests), so the transaction prewrites key 3 a second time in a
    // second request with the same start timestamp. The later write must win all the same.
    [Fact]
    public void A_second_prewrite_of_a_key_by_the_same_transaction_replaces_the_first()
    {
        var first = _b.NewPrewrite(Mutation(3, [42], Op.Put));
        var again = _b.NewPrewriteInSameTransaction(Mutation(3, [45], Op.Put));

        var firstResponse = _b.Run(first);
        var againResponse = _b.Run(again);

        firstResponse.Errors.Should().BeEmpty("key 3 is free");
        againResponse.Errors.Should().BeEmpty("key 3 is locked by this very transaction (same start timestamp), which is not a conflict");
        againResponse.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 1, 0);
        _b.Assert(
            Kv.Default([3], [45]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    // Original: TestPrewriteMultiple4B
    // Adapted: the original's one request puts, deletes and puts key 4 again among other keys;
    // a request may name a key once here, so the delete and the last put of key 4 come as two
    // more prewrites of the same transaction.
    [Fact]
    public void A_prewrite_of_several_keys_locks_them_all_and_the_last_write_of_a_key_wins()
    {
        var request = _b.NewPrewrite(
            Mutation(3, [42], Op.Put),
            Mutation(4, [43], Op.Put),
            Mutation(5, [44], Op.Put),
            Mutation(255, [45], Op.Put));
        var deleteFour = _b.NewPrewriteInSameTransaction(Mutation(4, null, Op.Del));
        var putFourAgain = _b.NewPrewriteInSameTransaction(Mutation(4, [1, 3, 5], Op.Put));

        var response = _b.Run(request);

        response.Errors.Should().BeEmpty("keys 3, 4, 5 and 255 are all free");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(4, 4, 0);

        _b.Run(deleteFour).Errors.Should().BeEmpty("the transaction may change its mind about key 4, which it locked itself");
        _b.Storage.Get(ColumnFamily.Default, KeyCodec.EncodeKey([4], _b.PrevTs)).Should().BeNull(
            "a prewritten delete removes the value the transaction wrote for key 4 at its start timestamp");
        _b.Assert(Kv.Lock([4], [1, 2, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));

        _b.Run(putFourAgain).Errors.Should().BeEmpty("the transaction may write key 4 again");
        _b.AssertLens(4, 4, 0);
        _b.Assert(
            Kv.Default([4], [1, 3, 5]),
            Kv.Lock([4], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));
    }
}
