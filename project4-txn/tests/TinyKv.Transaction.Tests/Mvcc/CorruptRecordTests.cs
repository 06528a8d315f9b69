using FluentAssertions;
using TinyKv.Codec;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.Storage;
using TinyKv.Transaction.Mvcc;
using Xunit;
using static TinyKv.Transaction.Tests.Commands.CommandTestBuilder;
using Lock = TinyKv.Transaction.Mvcc.Lock;

namespace TinyKv.Transaction.Tests.Mvcc;

/// <summary>
/// Records of the lock and write families that do not decode, as a raw write leaves them: the
/// decoders and the transaction's reader refuse them with a <see cref="CorruptRecordException"/>
/// naming the family and the key, and every command passes that on instead of failing some
/// other way. Not in the original course, so ungraded; the decoders and the reader are given
/// code, so their tests hold in every edition.
/// </summary>
public sealed class CorruptRecordTests : IDisposable
{
    private static readonly byte[] Garbage = "garbage"u8.ToArray();

    /// <summary>Each handler, sent a request that reads the lock or the write records of key 3.</summary>
    private static readonly Dictionary<string, Action<TransactionApi>> Handlers = new()
    {
        ["KvGet"] = api => api.KvGet(new GetRequest { Key = Bytes(3), Version = 100 }),
        ["KvPrewrite"] = api => api.KvPrewrite(new PrewriteRequest { StartVersion = 100, PrimaryLock = Bytes(3), Mutations = { Mutation(3, [42], Op.Put) } }),
        ["KvCommit"] = api => api.KvCommit(new CommitRequest { StartVersion = 90, CommitVersion = 95, Keys = { Bytes(3) } }),
        ["KvScan"] = api => api.KvScan(new ScanRequest { StartKey = Bytes(0), Limit = 10, Version = 100 }),
        ["KvCheckTxnStatus"] = api => api.KvCheckTxnStatus(new CheckTxnStatusRequest { PrimaryKey = Bytes(3), LockTs = 90, CurrentTs = 100 }),
        ["KvBatchRollback"] = api => api.KvBatchRollback(new BatchRollbackRequest { StartVersion = 90, Keys = { Bytes(3) } }),
        ["KvResolveLock"] = api => api.KvResolveLock(new ResolveLockRequest { StartVersion = 90, CommitVersion = 95 }),
    };

    private readonly TrackingStorage _storage = new();

    public static TheoryData<string> HandlerNames => [.. Handlers.Keys];

    public void Dispose() => _storage.Dispose();

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "17 more bytes; found 3 bytes")]
    [InlineData(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "kind is 1 (put), 2 (delete) or 3 (rollback), not 7")]
    public void A_lock_that_does_not_decode_is_a_corrupt_record_of_the_lock_family(byte[] stored, string problem)
    {
        var parse = () => Lock.Parse(stored);

        var corrupt = parse.Should().Throw<CorruptRecordException>().Which;
        corrupt.ColumnFamily.Should().Be(ColumnFamily.Lock);
        corrupt.Key.Should().BeNull("the decoder does not know where the bytes were stored");
        corrupt.Message.Should().Contain(problem);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0 }, "9 bytes long, not 3")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 5 }, "not 0")]
    public void A_write_record_that_does_not_decode_is_a_corrupt_record_of_the_write_family(byte[] stored, string problem)
    {
        var parse = () => Write.Parse(stored);

        parse.Should().Throw<CorruptRecordException>().Which.ColumnFamily.Should().Be(ColumnFamily.Write);
        parse.Should().Throw<CorruptRecordException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void The_transaction_reader_refuses_a_garbage_lock_naming_its_key_and_family()
    {
        _storage.Set(ColumnFamily.Lock, [3], Garbage);
        using var reader = _storage.Reader(null);

        var read = () => new MvccTxn(reader, 100).Reader.GetCF(ColumnFamily.Lock, [3]);

        var corrupt = read.Should().Throw<CorruptRecordException>().Which;
        corrupt.Key.Should().Equal(3);
        corrupt.Message.Should().StartWith("the lock column family holds a corrupt record under key 03: a lock is a primary key")
            .And.Contain("raw delete");
    }

    [Fact]
    public void The_transaction_reader_refuses_a_write_record_under_a_key_that_is_not_encoded()
    {
        _storage.Set(ColumnFamily.Write, [3], new Write(90, WriteKind.Put).ToBytes());
        using var reader = _storage.Reader(null);
        using var writes = new MvccTxn(reader, 100).Reader.IterCF(ColumnFamily.Write);

        var read = () => writes.Item;

        read.Should().Throw<CorruptRecordException>()
            .WithMessage("the write column family holds a corrupt record under key 03: the key is not a user key encoded with a commit timestamp*");
    }

    [Fact]
    public void The_transaction_reader_names_the_user_key_and_commit_timestamp_of_a_garbage_write_record()
    {
        var stored = KeyCodec.EncodeKey([3], 95);
        _storage.Set(ColumnFamily.Write, stored, Garbage);
        using var reader = _storage.Reader(null);

        var read = () => new MvccTxn(reader, 100).Reader.GetCF(ColumnFamily.Write, stored);

        read.Should().Throw<CorruptRecordException>()
            .WithMessage($"*under key {Convert.ToHexString(stored)}: a write record is 9 bytes long, not 7 (the record of user key 03 at commit timestamp 95)*");
    }

    [Fact]
    public void The_transaction_reader_passes_well_formed_records_and_any_value_through()
    {
        var held = new Lock([3], 90, 3000, WriteKind.Put);
        _storage.Set(ColumnFamily.Lock, [3], held.ToBytes());
        _storage.Set(ColumnFamily.Default, [3], Garbage);
        using var reader = _storage.Reader(null);
        var txnReader = new MvccTxn(reader, 100).Reader;

        Lock.Parse(txnReader.GetCF(ColumnFamily.Lock, [3])).Should().Be(held);
        txnReader.GetCF(ColumnFamily.Default, [3]).Should().Equal(Garbage, "user values are anything");
    }

    [Theory]
    [MemberData(nameof(HandlerNames))]
    public void Every_command_meeting_a_garbage_lock_refuses_with_the_corrupt_record_and_writes_nothing(string handler)
    {
        _storage.Set(ColumnFamily.Lock, [3], Garbage);
        var api = new TransactionApi(_storage);

        var send = () => Handlers[handler](api);

        send.Should().Throw<CorruptRecordException>().Which.Key.Should().Equal(3);
        _storage.Len(ColumnFamily.Write).Should().Be(0, "{0} refused, so it wrote nothing", handler);
        _storage.Len(ColumnFamily.Default).Should().Be(0, "{0} refused, so it wrote nothing", handler);
    }

    [Theory]
    [MemberData(nameof(HandlerNames))]
    public void Every_command_meeting_a_garbage_write_record_refuses_with_the_corrupt_record(string handler)
    {
        _storage.Set(ColumnFamily.Write, KeyCodec.EncodeKey([3], 95), Garbage);
        var api = new TransactionApi(_storage);

        var send = () => Handlers[handler](api);

        if (handler == "KvResolveLock")
        {
            send.Should().NotThrow("a resolve with no locks to resolve reads no write record");
            return;
        }

        send.Should().Throw<CorruptRecordException>().Which.ColumnFamily.Should().Be(ColumnFamily.Write);
    }
}
