using FluentAssertions;
using TinyKv.TestKit;
using Xunit;
using Action = TinyKv.Proto.Kvrpcpb.Action;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvCheckTxnStatus (4C): what became of a transaction, judged by its primary key. Ported from
/// the original course's command tests, one method per original test. The transaction's start
/// timestamp has physical part 5 &lt;&lt; 22 ms and the builder's timestamp in its low byte
/// (bytes 0, 0, 5, 0, 0, 0, 0, ts); the current time is about 70 minutes later.
/// </summary>
[Milestone("4C")]
public sealed class CheckTxnStatusTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public void Dispose() => _b.Dispose();

    // Original: TestCheckTxnStatusTtlExpired4C
    [Fact]
    public void An_expired_primary_lock_is_rolled_back()
    {
        var request = _b.NewCheckTxnStatus([3]);
        // The primary lock of the transaction, with a TTL of 8 ms: long gone by the current time.
        _b.Init(
            Kv.Default([3], [42], ts: request.LockTs),
            Kv.Lock([3], [3, 1, 0, 0, 5, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 8]));

        var response = _b.Run(request);

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Action.Should().Be(Action.TtlexpireRollback, "the lock's TTL (8 ms) ran out long before the current time, so the transaction is rolled back now");
        _b.AssertLens(0, 0, 1);
        _b.Assert(Kv.Write([3], [3, 0, 0, 5, 0, 0, 0, 0, _b.Ts], ts: request.LockTs));
    }

    // Original: TestCheckTxnStatusTtlNotExpired4C
    [Fact]
    public void A_live_primary_lock_is_left_alone()
    {
        var request = _b.NewCheckTxnStatus([3]);
        // The same lock with a TTL of 2^32 + 8 ms (about 50 days): still alive.
        _b.Init(
            Kv.Default([3], [42], ts: request.LockTs),
            Kv.Lock([3], [3, 1, 0, 0, 5, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 1, 0, 0, 0, 8]));

        var response = _b.Run(request);

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Action.Should().Be(Action.NoAction, "the lock's TTL has not run out: the transaction may still be running");
        _b.AssertLens(1, 1, 0);
        _b.Assert(
            Kv.Default([3], ts: request.LockTs),
            Kv.Lock([3]));
    }

    // Original: TestCheckTxnStatusRolledBack4C
    [Fact]
    public void A_rolled_back_transaction_is_reported_without_a_commit_version()
    {
        var request = _b.NewCheckTxnStatus([3]);
        // A rollback record of the transaction, and a lock of a later transaction (physical part 8 << 22).
        _b.Init(
            Kv.Default([3], [42], ts: request.LockTs),
            Kv.Write([3], [3, 0, 0, 5, 0, 0, 0, 0, _b.Ts], ts: request.LockTs),
            Kv.Lock([3], [3, 1, 0, 0, 8, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 8]));

        var response = _b.Run(request);

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Action.Should().Be(Action.NoAction, "the transaction is already rolled back; the lock on the key is another transaction's");
        response.CommitVersion.Should().Be(0, "a rolled-back transaction has no commit version");
        _b.AssertLens(1, 1, 1);
        _b.Assert(
            Kv.Default([3], ts: request.LockTs),
            Kv.Write([3], ts: request.LockTs),
            Kv.Lock([3]));
    }

    // Original: TestCheckTxnStatusCommitted4C
    [Fact]
    public void A_committed_transaction_is_reported_with_its_commit_version()
    {
        var request = _b.NewCheckTxnStatus([3]);
        // The transaction's put, committed (the record sits at the lock timestamp itself).
        _b.Init(
            Kv.Default([3], [42], ts: request.LockTs),
            Kv.Write([3], [1, 0, 0, 5, 0, 0, 0, 0, _b.Ts], ts: request.LockTs));

        var response = _b.Run(request);

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Action.Should().Be(Action.NoAction, "a committed transaction needs nothing done");
        response.CommitVersion.Should().Be(request.LockTs, "the response carries the timestamp the transaction committed at, the key of its write record");
        _b.AssertLens(1, 0, 1);
        _b.Assert(
            Kv.Default([3], ts: request.LockTs),
            Kv.Write([3], ts: request.LockTs));
    }

    // Original: TestCheckTxnStatusNoLockNoWrite4C
    [Fact]
    public void A_transaction_that_never_locked_its_primary_is_rolled_back_for_good()
    {
        var request = _b.NewCheckTxnStatus([3]);

        var response = _b.Run(request);

        response.RegionError.Should().BeNull("the storage is local and healthy");
        response.Action.Should().Be(Action.LockNotExistRollback, "with neither a lock nor a record on the primary, the transaction is rolled back so a late prewrite cannot succeed");
        _b.AssertLens(0, 0, 1);
        _b.Assert(Kv.Write([3], [3, 0, 0, 5, 0, 0, 0, 0, _b.Ts], ts: request.LockTs));
    }
}
