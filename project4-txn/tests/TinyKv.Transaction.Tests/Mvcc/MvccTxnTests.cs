using FluentAssertions;
using TinyKv.Codec;
using TinyKv.Storage;
using TinyKv.Storage.Engine;
using TinyKv.TestKit;
using TinyKv.TestKit.Storage;
using TinyKv.Transaction.Mvcc;
using Xunit;
using Lock = TinyKv.Transaction.Mvcc.Lock;

namespace TinyKv.Transaction.Tests.Mvcc;

/// <summary>
/// The multi-version layer (4A): where <see cref="MvccTxn"/> puts values, locks and write
/// records, and how it reads them back. Ported from the original course's MVCC tests, one method
/// per original test. Stored records are spelled out byte for byte, so they pin the format: a
/// write record is the kind (1 put, 2 delete, 3 rollback) and the start timestamp big-endian; a
/// lock is the primary key, the kind, the start timestamp and the TTL, both big-endian.
/// </summary>
[Milestone("4A")]
public sealed class MvccTxnTests : IDisposable
{
    private static readonly byte[] Key = [16, 240];

    private readonly List<TrackingStorage> _storages = [];

    public void Dispose() => _storages.ForEach(storage => storage.Dispose());

    // Original: TestPutLock4A
    [Fact]
    public void A_lock_is_put_under_the_bare_key_in_the_lock_family()
    {
        var txn = Txn(42);

        txn.PutLock([1], new Lock([16], 100, 100000, WriteKind.Rollback));

        ShouldHoldOnePut(txn, ColumnFamily.Lock, [1], [16, 3, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 1, 134, 160]);
    }

    // Original: TestPutWrite4A
    [Fact]
    public void A_write_record_is_put_under_the_key_encoded_with_its_commit_timestamp()
    {
        var txn = Txn(0);

        txn.PutWrite(Key, 0, new Write(100, WriteKind.Delete));

        ShouldHoldOnePut(txn, ColumnFamily.Write, KeyCodec.EncodeKey(Key, 0), [2, 0, 0, 0, 0, 0, 0, 0, 100]);
    }

    // Original: TestPutValue4A
    [Fact]
    public void A_value_is_put_under_the_key_encoded_with_the_start_timestamp()
    {
        var txn = Txn(453325345);

        txn.PutValue([32], [1, 1, 2, 3, 5, 8, 13]);

        ShouldHoldOnePut(txn, ColumnFamily.Default, KeyCodec.EncodeKey([32], 453325345), [1, 1, 2, 3, 5, 8, 13]);
    }

    // Original: TestGetLock4A
    [Fact]
    public void A_stored_lock_is_read_back_and_an_unlocked_key_has_none()
    {
        var txn = Txn(42, storage => storage.Set(ColumnFamily.Lock, [1], [16, 3, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 1, 134, 160]));

        var held = txn.GetLock([1]);
        var none = txn.GetLock([2]);

        held.Should().Be(
            new Lock([16], 100, 100000, WriteKind.Rollback),
            "key 1's lock is stored in the lock column family under the bare key: primary [16], rollback, start 100, TTL 100000");
        none.Should().BeNull("key 2 has no lock, and GetLock answers null for that");
    }

    // Original: TestDeleteLock4A
    [Fact]
    public void Deleting_a_lock_deletes_the_bare_key_from_the_lock_family()
    {
        var txn = Txn(42);

        txn.DeleteLock([1]);

        ShouldHoldOneDelete(txn, ColumnFamily.Lock, [1]);
    }

    // Original: TestDeleteValue4A
    [Fact]
    public void Deleting_a_value_deletes_the_key_encoded_with_the_start_timestamp()
    {
        var txn = Txn(63454245);

        txn.DeleteValue([17, 255, 0]);

        ShouldHoldOneDelete(txn, ColumnFamily.Default, KeyCodec.EncodeKey([17, 255, 0], 63454245));
    }

    // Original: TestGetValueSimple4A
    [Fact]
    public void A_read_after_a_commit_sees_the_committed_value()
    {
        var value = Txn(43, SingleEntry).GetValue(Key);

        value.Should().Equal([1, 2, 3], "at 43 the read sees the put committed at 42, whose value was written at its start, 40");
    }

    // Original: TestGetValueMissing4A
    [Fact]
    public void A_read_of_a_key_never_written_finds_nothing()
    {
        var value = Txn(43, SingleEntry).GetValue([16, 241]);

        value.Should().BeNull("key [16 241] was never written (the neighbouring key [16 240] was)");
    }

    // Original: TestGetValueTooEarly4A
    [Fact]
    public void A_read_before_the_commit_finds_nothing()
    {
        var value = Txn(41, SingleEntry).GetValue(Key);

        value.Should().BeNull("at 41 the put committed at 42 is not visible yet");
    }

    // Original: TestGetValueOverwritten4A
    [Fact]
    public void A_read_sees_the_newest_of_two_committed_values()
    {
        var value = Txn(52, TwoEntries).GetValue(Key);

        value.Should().Equal([255, 0, 255], "at 52 the newest commit is the one at 52 (written at 50)");
    }

    // Original: TestGetValueNotOverwritten4A
    [Fact]
    public void A_read_ignores_a_value_committed_after_its_start()
    {
        var value = Txn(50, TwoEntries).GetValue(Key);

        value.Should().Equal([1, 2, 3], "at 50 the second write (started at 50) is not committed yet (it commits at 52); the first, committed at 42, is visible");
    }

    // Original: TestGetValueDeleted4A
    [Fact]
    public void A_read_after_a_committed_delete_finds_nothing()
    {
        var value = Txn(500, Deleted).GetValue(Key);

        value.Should().BeNull("the newest write before 500 is the delete committed at 52");
    }

    // Original: TestGetValueNotDeleted4A
    [Fact]
    public void A_read_ignores_a_delete_committed_after_its_start()
    {
        var value = Txn(45, Deleted).GetValue(Key);

        value.Should().Equal([1, 2, 3], "at 45 the delete (committed at 52) is not visible; the put committed at 42 is");
    }

    // Original: TestCurrentWrite4A
    [Fact]
    public void The_current_write_is_the_record_of_the_transaction_with_that_start()
    {
        // The original moves one transaction's start timestamp; here each start gets its own transaction.
        var second = Txn(50, TwoEntries).CurrentWrite(Key);
        var first = Txn(40, TwoEntries).CurrentWrite(Key);
        var none = Txn(41, TwoEntries).CurrentWrite(Key);

        second.Write.Should().Be(new Write(50, WriteKind.Put), "the transaction that started at 50 committed a put");
        second.CommitTs.Should().Be(52, "the transaction that started at 50 committed at 52");
        first.Write.Should().Be(new Write(40, WriteKind.Put), "the transaction that started at 40 committed a put");
        first.CommitTs.Should().Be(42, "the transaction that started at 40 committed at 42");
        none.Write.Should().BeNull("no transaction started at 41 wrote the key");
        none.CommitTs.Should().Be(0, "with no record the commit timestamp is 0");
    }

    // Original: TestMostRecentWrite4A
    [Fact]
    public void The_most_recent_write_is_the_newest_record_whatever_the_start()
    {
        var empty = Txn(50).MostRecentWrite(Key);
        empty.Write.Should().BeNull("an empty store has no write record");
        empty.CommitTs.Should().Be(0, "with no record the commit timestamp is 0");

        var txn = Txn(50, TwoEntries);
        var newest = txn.MostRecentWrite(Key);
        newest.Write.Should().Be(new Write(50, WriteKind.Put), "the newest record of the key is the put started at 50");
        newest.CommitTs.Should().Be(52, "the newest record was committed at 52");
        var otherKey = txn.MostRecentWrite([16]);
        otherKey.Write.Should().BeNull("key [16] has no record (a longer key's records are not its own)");
        otherKey.CommitTs.Should().Be(0, "with no record the commit timestamp is 0");

        var deleted = Txn(50, Deleted).MostRecentWrite(Key);
        deleted.Write.Should().Be(new Write(50, WriteKind.Delete), "the newest record of a deleted key is the delete (started at 50)");
        deleted.CommitTs.Should().Be(52, "the delete was committed at 52");

        foreach (var startTs in new ulong[] { 5000, 1 })
        {
            var found = Txn(startTs, TwoEntries).MostRecentWrite(Key);
            found.Write.Should().Be(new Write(50, WriteKind.Put), "the newest record does not depend on the reader's start ({0})", startTs);
            found.CommitTs.Should().Be(52, "the newest record does not depend on the reader's start ({0})", startTs);
        }
    }

    // A transaction at startTs over a fresh storage that setup fills first.
    private MvccTxn Txn(ulong startTs, Action<TrackingStorage>? setup = null)
    {
        var storage = new TrackingStorage();
        _storages.Add(storage);
        setup?.Invoke(storage);
        return new MvccTxn(storage.Reader(), startTs);
    }

    // One put: value [1 2 3] written at 40, committed at 42.
    private static void SingleEntry(TrackingStorage storage)
    {
        storage.Set(ColumnFamily.Default, KeyCodec.EncodeKey(Key, 40), [1, 2, 3]);
        storage.Set(ColumnFamily.Write, KeyCodec.EncodeKey(Key, 42), [1, 0, 0, 0, 0, 0, 0, 0, 40]);
    }

    // Two puts: [1 2 3] written at 40 and committed at 42, then [255 0 255] written at 50 and committed at 52.
    private static void TwoEntries(TrackingStorage storage)
    {
        SingleEntry(storage);
        storage.Set(ColumnFamily.Default, KeyCodec.EncodeKey(Key, 50), [255, 0, 255]);
        storage.Set(ColumnFamily.Write, KeyCodec.EncodeKey(Key, 52), [1, 0, 0, 0, 0, 0, 0, 0, 50]);
    }

    // A put committed at 42, then a delete started at 50 and committed at 52.
    private static void Deleted(TrackingStorage storage)
    {
        SingleEntry(storage);
        storage.Set(ColumnFamily.Write, KeyCodec.EncodeKey(Key, 52), [2, 0, 0, 0, 0, 0, 0, 0, 50]);
    }

    private static void ShouldHoldOnePut(MvccTxn txn, string cf, byte[] key, byte[] value)
    {
        txn.Writes.Should().ContainSingle("the transaction made exactly one change");
        var write = txn.Writes[0];
        write.Kind.Should().Be(ModifyKind.Put, "the change is a put");
        write.Cf.Should().Be(cf, "the change belongs in the {0} column family", cf);
        write.Key.Should().Equal(key, "the change should be stored under [{0}]", string.Join(", ", key));
        write.Value.Should().Equal(value, "the stored value should be [{0}]", string.Join(", ", value));
    }

    private static void ShouldHoldOneDelete(MvccTxn txn, string cf, byte[] key)
    {
        txn.Writes.Should().ContainSingle("the transaction made exactly one change");
        var write = txn.Writes[0];
        write.Kind.Should().Be(ModifyKind.Delete, "the change is a delete");
        write.Cf.Should().Be(cf, "the change belongs in the {0} column family", cf);
        write.Key.Should().Equal(key, "the deleted key should be [{0}]", string.Join(", ", key));
    }
}
