using FluentAssertions;
using TinyKv.TestKit;
using Xunit;
using static TinyKv.Transaction.Tests.Commands.CommandTestBuilder;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvResolveLock (4C): finishing, on every key it still locks, a transaction whose fate is known.
/// Ported from the original course's command tests, one method per original test. The locks
/// below are 17 bytes: an empty primary key, the kind, the start timestamp and the TTL.
/// </summary>
[Milestone("4C")]
public sealed class ResolveLockTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public void Dispose() => _b.Dispose();

    // Original: TestEmptyResolve4C
    [Fact]
    public void A_resolve_of_a_transaction_without_locks_succeeds_and_writes_nothing()
    {
        var response = _b.Run(NewResolve(0, 0));

        response.Error.Should().BeNull("a transaction without locks has nothing to resolve");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 0);
    }

    // Original: TestResolveCommit4C
    [Fact]
    public void A_resolve_with_a_commit_version_commits_every_lock_of_the_transaction()
    {
        // Transaction 100 locks keys 3 and 7; transaction 110 locks key 200.
        _b.Init(
            Kv.Default([3], [42], ts: 100),
            Kv.Lock([3], [1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([7], [43], ts: 100),
            Kv.Lock([7], [1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([200], [44], ts: 110),
            Kv.Lock([200], [1, 0, 0, 0, 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(NewResolve(100, 120));

        response.Error.Should().BeNull("every lock of transaction 100 can be committed");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(3, 1, 2);
        _b.Assert(
            Kv.Default([3], ts: 100),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, 100], ts: 120),
            Kv.Default([7], ts: 100),
            Kv.Write([7], [1, 0, 0, 0, 0, 0, 0, 0, 100], ts: 120),
            Kv.Default([200], ts: 110),
            Kv.Lock([200]));
    }

    // Original: TestResolveRollback4C
    [Fact]
    public void A_resolve_without_a_commit_version_rolls_back_every_lock_of_the_transaction()
    {
        _b.Init(
            Kv.Default([3], [42], ts: 100),
            Kv.Lock([3], [1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([7], [43], ts: 100),
            Kv.Lock([7], [1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([200], [44], ts: 110),
            Kv.Lock([200], [1, 0, 0, 0, 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(NewResolve(100, 0));

        response.Error.Should().BeNull("every lock of transaction 100 can be rolled back");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 1, 2);
        _b.Assert(
            Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, 100], ts: 100),
            Kv.Write([7], [3, 0, 0, 0, 0, 0, 0, 0, 100], ts: 100),
            Kv.Default([200], ts: 110),
            Kv.Lock([200]));
    }

    // Original: TestResolveCommitWritten4C
    [Fact]
    public void A_committing_resolve_leaves_finished_keys_and_other_transactions_alone()
    {
        // Transaction 100 holds no lock any more: it committed (at 120) and rolled back on key 201.
        _b.Init(
            Kv.Default([3], [42], ts: 100),
            Kv.Write([201], [1, 0, 0, 0, 0, 0, 0, 0, 100], ts: 120),
            Kv.Default([7], [43], ts: 100),
            Kv.Write([201], [3, 0, 0, 0, 0, 0, 0, 0, 100], ts: 100),
            Kv.Default([200], [44], ts: 110),
            Kv.Lock([200], [1, 0, 0, 0, 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(NewResolve(100, 120));

        response.Error.Should().BeNull("a transaction without locks has nothing left to commit");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(3, 1, 2);
        _b.Assert(
            Kv.Default([3], ts: 100),
            Kv.Write([201], ts: 120),
            Kv.Default([7], ts: 100),
            Kv.Write([201], ts: 100),
            Kv.Default([200], ts: 110),
            Kv.Lock([200]));
    }

    // Original: TestResolveRollbackWritten4C
    [Fact]
    public void A_rolling_back_resolve_leaves_finished_keys_and_other_transactions_alone()
    {
        _b.Init(
            Kv.Default([3], [42], ts: 100),
            Kv.Write([201], [1, 0, 0, 0, 0, 0, 0, 0, 100], ts: 120),
            Kv.Default([7], [43], ts: 100),
            Kv.Write([201], [3, 0, 0, 0, 0, 0, 0, 0, 100], ts: 100),
            Kv.Default([200], [44], ts: 110),
            Kv.Lock([200], [1, 0, 0, 0, 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(NewResolve(100, 0));

        response.Error.Should().BeNull("a transaction without locks has nothing left to roll back");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(3, 1, 2);
        _b.Assert(
            Kv.Default([3], ts: 100),
            Kv.Write([201], ts: 120),
            Kv.Default([7], ts: 100),
            Kv.Write([201], ts: 100),
            Kv.Default([200], ts: 110),
            Kv.Lock([200]));
    }
}
