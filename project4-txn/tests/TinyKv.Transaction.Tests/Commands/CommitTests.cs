using FluentAssertions;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvCommit (4B): the second phase, turning a transaction's locks into write records. Ported
/// from the original course's command tests, one method per original test. Each commit starts
/// at the builder's next timestamp (100) and commits 10 later (110).
/// </summary>
[Milestone("4B")]
public sealed class CommitTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public void Dispose() => _b.Dispose();

    // Original: TestEmptyCommit4B
    [Fact]
    public void A_commit_without_keys_succeeds_and_writes_nothing()
    {
        var response = _b.Run(_b.NewCommit());

        response.Error.Should().BeNull("a commit of no keys has nothing to fail on");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 0);
    }

    // Original: TestSingleCommit4B
    [Fact]
    public void A_commit_replaces_the_lock_by_a_write_record_at_the_commit_timestamp()
    {
        var request = _b.NewCommit([3]);
        // The prewrite of the transaction: its value, and its lock (a put; this one's primary is empty).
        _b.Init(
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("key 3 is locked by the committing transaction");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 0, 1);
        _b.Assert(
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110),
            Kv.Default([3]));
    }

    // Original: TestCommitOverwrite4B
    [Fact]
    public void A_commit_over_an_older_committed_version_adds_a_write_record_beside_it()
    {
        var request = _b.NewCommit([3]);
        _b.Init(
            // An earlier transaction, committed at 84.
            Kv.Default([3], [15], ts: 80),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 84),

            // The committing transaction's prewrite.
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("key 3 is locked by the committing transaction; an older commit does not stand in the way");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(2, 0, 2);
        _b.Assert(
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110),
            Kv.Default([3]));
    }

    // Original: TestCommitMultipleKeys4B
    [Fact]
    public void A_commit_of_several_keys_commits_them_all_and_touches_nothing_else()
    {
        var request = _b.NewCommit([3], [12, 4, 0], [15]);
        _b.Init(
            // The committing transaction's prewrite.
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([12, 4, 0], [1, 1, 0, 0, 1, 5]),
            Kv.Lock([12, 4, 0], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([15], [0]),
            Kv.Lock([15], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]),

            // Data committed earlier.
            Kv.Default([4], [15], ts: 80),
            Kv.Write([4], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 84),
            Kv.Default([3, 0], [150], ts: 80),
            Kv.Write([3, 0], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 84),

            // Another transaction (start 99), prewritten only; its locks are deletes.
            Kv.Default([2], [0, 0, 0, 8], ts: 99),
            Kv.Lock([2], [1, 2, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0, 0]),
            Kv.Default([43, 6], [1, 1, 0, 0, 1, 5], ts: 99),
            Kv.Lock([43, 6], [1, 2, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("keys 3, [12 4 0] and 15 are all locked by the committing transaction");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(7, 2, 5);
        _b.Assert(
            // Committed now.
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110),
            Kv.Write([12, 4, 0], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110),
            Kv.Write([15], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110),

            // Committed earlier: untouched.
            Kv.Default([4], ts: 80),
            Kv.Write([4], ts: 84),
            Kv.Default([3, 0], ts: 80),
            Kv.Write([3, 0], ts: 84),

            // The other transaction: untouched.
            Kv.Default([2], ts: 99),
            Kv.Lock([2]),
            Kv.Default([43, 6], ts: 99),
            Kv.Lock([43, 6]));
    }

    // Original: TestRecommitKey4B
    [Fact]
    public void A_key_named_twice_in_one_commit_is_committed_once()
    {
        var request = _b.NewCommit([3], [3]);
        _b.Init(
            Kv.Default([3], [42]),
            Kv.Lock([3], [1, 1, 0, 0, 0, 0, 0, 0, 0, _b.Ts, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().BeNull("naming a key twice is harmless: the second time it is already committed by this transaction");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 0, 1);
        _b.Assert(
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110),
            Kv.Default([3]));
    }

    // Original: TestCommitConflictRollback4B
    [Fact]
    public void A_commit_of_a_rolled_back_transaction_is_aborted_and_writes_nothing()
    {
        var request = _b.NewCommit([3]);
        _b.Init(Kv.Write([3], [3, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110));

        var response = _b.Run(request);

        response.Error.Should().NotBeNull("key 3 carries a rollback record of the committing transaction: a rolled-back transaction may never commit");
        response.Error.Abort.Should().NotBeNullOrEmpty("the key error of a commit after a rollback is 'abort': retrying cannot help");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(0, 0, 1);
        _b.Assert(Kv.Write([3], ts: 110));
    }

    // Original: TestCommitConflictRace4B
    [Fact]
    public void A_commit_of_a_key_locked_by_another_transaction_is_retryable_and_writes_nothing()
    {
        var request = _b.NewCommit([3]);
        // Key 3 is locked by a transaction that started at 90, not by the committing one (100).
        _b.Init(
            Kv.Default([3], [110], ts: 90),
            Kv.Lock([3], [1, 3, 0, 0, 0, 0, 0, 0, 0, 90, 0, 0, 0, 0, 0, 0, 0, 0]));

        var response = _b.Run(request);

        response.Error.Should().NotBeNull("key 3 is locked by another transaction, so the committing transaction's lock is gone");
        response.Error.Retryable.Should().NotBeNullOrEmpty("a key locked by another transaction is a 'retryable' key error");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 1, 0);
        _b.Assert(
            Kv.Lock([3]),
            Kv.Default([3], ts: 90));
    }

    // Original: TestCommitConflictRepeat4B
    [Fact]
    public void A_repeated_commit_succeeds_and_changes_nothing()
    {
        var request = _b.NewCommit([3]);
        // The transaction is already committed at 110: the same commit request arrives again.
        _b.Init(
            Kv.Default([3], [42]),
            Kv.Write([3], [1, 0, 0, 0, 0, 0, 0, 0, _b.Ts], ts: 110));

        var response = _b.Run(request);

        response.Error.Should().BeNull("committing a key this transaction already committed is not an error (requests can be repeated)");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(1, 0, 1);
        _b.Assert(
            Kv.Write([3], ts: 110),
            Kv.Default([3]));
    }

    // Original: TestCommitMissingPrewrite4B
    [Fact]
    public void A_commit_of_a_key_never_prewritten_succeeds_and_writes_nothing()
    {
        var request = _b.NewCommit([3]);
        // Committed data of other keys; no prewrite of key 3 (the request was lost).
        _b.Init(
            Kv.Default([4], [15], ts: 80),
            Kv.Write([4], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 84),
            Kv.Default([3, 0], [150], ts: 80),
            Kv.Write([3, 0], [1, 0, 0, 0, 0, 0, 0, 0, 80], ts: 84));

        var response = _b.Run(request);

        response.Error.Should().BeNull("with no lock and no record of the transaction on key 3 there is nothing to commit, and that is not an error");
        response.RegionError.Should().BeNull("the storage is local and healthy");
        _b.AssertLens(2, 0, 2);
        _b.Assert(
            Kv.Default([4], ts: 80),
            Kv.Write([4], ts: 84),
            Kv.Default([3, 0], ts: 80),
            Kv.Write([3, 0], ts: 84));
    }
}
