using FluentAssertions;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvBatchRollback (4C): undoing a transaction on some keys, for good. Ported from the original
/// course's command tests, one method per original test. Each rollback is of the builder's next
/// timestamp (100); its rollback records are written at that same timestamp.
/// </summary>
[Milestone("4C")]
public sealed class RollbackTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public void Dispose() => _b.Dispose();

    // Original: TestEmptyRollback4C
    [Fact]
    public void A_rollback_without_keys_succeeds_and_writes_nothing()
    {
        var response = _b.Run(_b.NewRollback());

        response.Error.Should().BeNull("a rollback of no keys has nothing to fail on");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 0);
    }

    // Original: TestRollback4C
    [Fact]
    public void A_rollback_removes_the_value_and_lock_and_leaves_a_rollback_record()
    {
        var request = _b.NewRollback([3]);
        // The transaction's prewrite of key 3.
        _b.Init(
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("key 3 is locked by the transaction being rolled back");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 1);
        _b.Assert(Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts]));
    }

    // Original: TestRollbackDuplicateKeys4C
    [Fact]
    public void A_key_named_twice_in_one_rollback_is_rolled_back_once()
    {
        var request = _b.NewRollback([3], [15], [3]);
        _b.Init(
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([15], [0]),
            Kv.Lock([15], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("naming key 3 twice is harmless: the second time it is already rolled back");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 2);
        _b.Assert(
            Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts]),
            Kv.Write([15], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts]));
    }

    // Original: TestRollbackMissingPrewrite4C
    [Fact]
    public void A_rollback_of_a_key_never_prewritten_still_leaves_a_rollback_record()
    {
        var response = _b.Run(_b.NewRollback([3]));

        response.Error.Should().BeNull("there is nothing to undo on key 3, which is not an error");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 1);
        _b.Assert(Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts]));
    }

    // Original: TestRollbackCommitted4C
    [Fact]
    public void A_rollback_of_a_committed_transaction_is_aborted_and_writes_nothing()
    {
        var request = _b.NewRollback([3]);
        // The transaction already committed key 3, at 110.
        _b.Init(
            Kv.Default([3], [42]),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110));

        var response = _b.Run(request);

        response.Error.Should().NotBeNull("a committed transaction cannot be rolled back");
        response.Error.Abort.Should().NotBeNullOrEmpty("the key error of a rollback of a committed transaction is 'abort'");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 0, 1);
        _b.Assert(
            Kv.Default([3]),
            Kv.Write([3], ts: 110));
    }

    // Original: TestRollbackDuplicate4C
    [Fact]
    public void A_repeated_rollback_succeeds_and_changes_nothing()
    {
        var request = _b.NewRollback([3]);
        _b.Init(Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 100));

        var response = _b.Run(request);

        response.Error.Should().BeNull("rolling back a transaction already rolled back is not an error (requests can be repeated)");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 1);
        _b.Assert(Kv.Write([3], ts: 100));
    }

    // Original: TestRollbackOtherTxn4C
    [Fact]
    public void A_rollback_leaves_another_transactions_lock_and_value_alone()
    {
        var request = _b.NewRollback([3]);
        // Key 3 is prewritten by a transaction that started at 80, not the one rolled back (100).
        _b.Init(
            Kv.Default([3], [42], ts: 80),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("rolling back a transaction that never locked key 3 is not an error");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 1, 1);
        _b.Assert(
            Kv.Default([3], ts: 80),
            Kv.Lock([3]),
            Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 100));
    }
}
