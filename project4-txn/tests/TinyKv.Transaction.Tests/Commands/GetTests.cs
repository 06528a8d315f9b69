using FluentAssertions;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.TestKit;
using TinyKv.Transaction.Mvcc;
using Xunit;
using static TinyKv.Transaction.Tests.Commands.CommandTestBuilder;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// KvGet (4B): reading one key at a timestamp. Ported from the original course's command tests,
/// one method per original test. Stored write records are 9 bytes: the kind (1 put, 2 delete,
/// 3 rollback), then the start timestamp big-endian; locks are the primary key, the kind, the
/// start timestamp and the TTL.
/// </summary>
[Milestone("4B")]
public sealed class GetTests : IDisposable
{
    private readonly CommandTestBuilder _b = new();

    public void Dispose() => _b.Dispose();

    // Original: TestGetValue4B
    [Fact]
    public void A_get_at_the_largest_timestamp_returns_the_committed_value()
    {
        _b.Init(
            Kv.Default([99], [42], ts: 50),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54));

        var response = _b.Run(Get(99, Timestamp.Max));

        response.ShouldFind([42], "a get at the largest timestamp of a key committed at 54");
    }

    // Original: TestGetValueTs4B
    [Fact]
    public void Repeated_gets_at_one_timestamp_all_return_the_same_value()
    {
        _b.Init(
            Kv.Default([99], [42], ts: 50),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54));

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var response = _b.Run(Get(99, 100));

            response.ShouldFind([42], $"get number {attempt} at version 100 (a get reads and changes nothing)");
        }
    }

    // Original: TestGetEmpty4B
    [Fact]
    public void A_get_on_an_empty_store_reports_not_found()
    {
        var response = _b.Run(Get(100, Timestamp.Max));

        response.ShouldFindNothing("a get of a key never written");
    }

    // Original: TestGetNone4B
    [Fact]
    public void A_get_of_a_key_between_two_written_keys_reports_not_found()
    {
        _b.Init(
            Kv.Default([99], [42], ts: 50),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54),
            Kv.Default([101], [42], ts: 50),
            Kv.Write([101], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54));

        var response = _b.Run(Get(100, Timestamp.Max));

        response.ShouldFindNothing("a get of key 100, never written, between keys 99 and 101 (do not take a neighbour's write for the key's own)");
    }

    // Original: TestGetVersions4B
    [Fact]
    public void A_get_returns_the_value_committed_last_at_or_before_its_version()
    {
        // Three versions: 42 committed at 54, 43 at 66, 44 at 122.
        _b.Init(
            Kv.Default([99], [42], ts: 50),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54),
            Kv.Default([99], [43], ts: 60),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 60], ts: 66),
            Kv.Default([99], [44], ts: 120),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 120], ts: 122));

        _b.Run(Get(99, 40)).ShouldFindNothing("a get at 40, before the first commit (at 54)");
        _b.Run(Get(99, 56)).ShouldFind([42], "a get at 56, after the commit at 54");
        _b.Run(Get(99, 60)).ShouldFind([42], "a get at 60 (43 was written at 60 but commits only at 66)");
        _b.Run(Get(99, 65)).ShouldFind([42], "a get at 65, just before the commit at 66");
        _b.Run(Get(99, 66)).ShouldFind([43], "a get at 66, exactly the commit timestamp of 43");
        _b.Run(Get(99, 100)).ShouldFind([43], "a get at 100 (44 commits only at 122)");
    }

    // Original: TestGetDeleted4B
    [Fact]
    public void A_get_after_a_committed_delete_reports_not_found_until_the_key_is_written_again()
    {
        // 42 committed at 54, deleted by a transaction that committed at 66, 44 committed at 122.
        _b.Init(
            Kv.Default([99], [42], ts: 50),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54),
            Kv.Default([99], [], ts: 60),
            Kv.Write([99], [2, 0, 0, 0, 0, 0, 0, 0, 60], ts: 66),
            Kv.Default([99], [44], ts: 120),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 120], ts: 122));

        _b.Run(Get(99, 54)).ShouldFind([42], "a get at 54, the commit timestamp of 42");
        _b.Run(Get(99, 60)).ShouldFind([42], "a get at 60 (the delete commits only at 66)");
        _b.Run(Get(99, 65)).ShouldFind([42], "a get at 65, just before the delete commits");
        _b.Run(Get(99, 66)).ShouldFindNothing("a get at 66, when the delete committed");
        _b.Run(Get(99, 67)).ShouldFindNothing("a get at 67, after the delete");
        _b.Run(Get(99, 122)).ShouldFind([44], "a get at 122, when the key was written again");
    }

    // Original: TestGetLocked4B
    [Fact]
    public void A_get_is_blocked_only_by_a_lock_taken_at_or_before_its_version()
    {
        // Committed 42 at 54, and a lock (primary [99], put) of a transaction that started at 200.
        _b.Init(
            Kv.Default([99], [42], ts: 50),
            Kv.Write([99], [1, 0, 0, 0, 0, 0, 0, 0, 50], ts: 54),
            Kv.Lock([99], [99, 1, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0]));

        var before = _b.Run(Get(99, 55));
        var after = _b.Run(Get(99, 300));

        before.ShouldFind([42], "a get at 55 (the lock's transaction started later, at 200, so it cannot commit anything the get must see)");
        after.RegionError.Should().BeNull("a get of a locked key is not a region error");
        after.Error.Should().NotBeNull("a get at 300 must not read past a lock taken at 200: that transaction may commit before 300");
        after.Error.Locked.Should().NotBeNull("the key error of a get blocked by a lock is 'locked', so the client can resolve it");
        after.Error.Locked.Key.ToByteArray().Should().Equal([99], "the locked error names the key that is locked");
        after.Error.Locked.PrimaryLock.ToByteArray().Should().Equal([99], "the locked error names the lock's primary key, where the client checks the transaction's status");
        after.Error.Locked.LockVersion.Should().Be(200, "the locked error carries the start timestamp of the lock's transaction");
    }

    private static GetRequest Get(byte key, ulong version) => new() { Key = Bytes(key), Version = version };
}
