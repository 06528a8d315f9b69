using FluentAssertions;
using TinyKv.Codec;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Storage;
using TinyKv.Storage.Engine;
using TinyKv.TestKit.Storage;
using TinyKv.Transaction.Mvcc;
using Xunit;
using static TinyKv.Transaction.Tests.Commands.CommandTestBuilder;
using Lock = TinyKv.Transaction.Mvcc.Lock;

namespace TinyKv.Transaction.Tests.Commands;

/// <summary>
/// Requests the handlers refuse, edge cases they accept, and region errors from the storage.
/// Not in the original course (its server had no request checks), so ungraded. The request
/// checks run before any slot, so a malformed request is refused whatever the milestone.
/// </summary>
public sealed class BadRequestTests : IDisposable
{
    /// <summary>Each malformed request, by a label, with the field its refusal must name.</summary>
    private static readonly Dictionary<string, (string Field, Func<TransactionApi, Task> Send)> Malformed = new()
    {
        ["a get at version 0"] = ("version", api => api.KvGetAsync(new GetRequest { Key = Bytes(3) })),
        ["a get of an empty key"] = ("key", api => api.KvGetAsync(new GetRequest { Version = 100 })),
        ["a prewrite at start_version 0"] = ("start_version", api => api.KvPrewriteAsync(Prewrite(0, Bytes(1), Mutation(3, [42], Op.Put)))),
        ["a prewrite without a primary"] = ("primary_lock", api => api.KvPrewriteAsync(Prewrite(100, Google.Protobuf.ByteString.Empty, Mutation(3, [42], Op.Put)))),
        ["a prewrite of an empty key"] = ("mutation key", api => api.KvPrewriteAsync(Prewrite(100, Bytes(1), new Mutation { Op = Op.Put, Value = Bytes(42) }))),
        ["a prewrite naming a key twice"] = ("mutations", api => api.KvPrewriteAsync(Prewrite(100, Bytes(1), Mutation(5, [42], Op.Put), Mutation(5, [45], Op.Put)))),
        ["a prewrite with a rollback mutation"] = ("Rollback", api => api.KvPrewriteAsync(Prewrite(100, Bytes(1), Mutation(5, null, Op.Rollback)))),
        ["a prewrite with a lock mutation"] = ("Lock", api => api.KvPrewriteAsync(Prewrite(100, Bytes(1), Mutation(5, null, Op.Lock)))),
        ["a commit at start_version 0"] = ("start_version", api => api.KvCommitAsync(new CommitRequest { CommitVersion = 95, Keys = { Bytes(3) } })),
        ["a commit at its start version"] = ("commit_version", api => api.KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 90, Keys = { Bytes(3) } })),
        ["a commit before its start"] = ("commit_version", api => api.KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 89, Keys = { Bytes(3) } })),
        ["a commit of an empty key"] = ("keys", api => api.KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 95, Keys = { Bytes(3), Bytes() } })),
        ["a scan at version 0"] = ("version", api => api.KvScanAsync(new ScanRequest { StartKey = Bytes(0), Limit = 10 })),
        ["a status check of an empty primary"] = ("primary_key", api => api.KvCheckTxnStatusAsync(new CheckTxnStatusRequest { LockTs = 90, CurrentTs = ulong.MaxValue })),
        ["a status check at lock_ts 0"] = ("lock_ts", api => api.KvCheckTxnStatusAsync(new CheckTxnStatusRequest { PrimaryKey = Bytes(3), CurrentTs = ulong.MaxValue })),
        ["a status check at current_ts 0"] = ("current_ts", api => api.KvCheckTxnStatusAsync(new CheckTxnStatusRequest { PrimaryKey = Bytes(3), LockTs = 90 })),
        ["a rollback at start_version 0"] = ("start_version", api => api.KvBatchRollbackAsync(new BatchRollbackRequest { Keys = { Bytes(3) } })),
        ["a rollback of an empty key"] = ("keys", api => api.KvBatchRollbackAsync(new BatchRollbackRequest { StartVersion = 90, Keys = { Bytes() } })),
        ["a resolve committing before its start"] = ("commit_version", api => api.KvResolveLockAsync(new ResolveLockRequest { StartVersion = 90, CommitVersion = 90 })),
    };

    /// <summary>Each handler, by a label, sent a request that would write if the storage answered.</summary>
    private static readonly Dictionary<string, Func<TransactionApi, Task<Error?>>> Handlers = new()
    {
        ["KvGet"] = async api => (await api.KvGetAsync(new GetRequest { Key = Bytes(4), Version = 100 })).RegionError,
        ["KvPrewrite"] = async api => (await api.KvPrewriteAsync(Prewrite(100, Bytes(5), Mutation(5, [42], Op.Put)))).RegionError,
        ["KvCommit"] = async api => (await api.KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 95, Keys = { Bytes(3) } })).RegionError,
        ["KvScan"] = async api => (await api.KvScanAsync(new ScanRequest { StartKey = Bytes(0), Limit = 10, Version = 100 })).RegionError,
        ["KvCheckTxnStatus"] = async api => (await api.KvCheckTxnStatusAsync(new CheckTxnStatusRequest { PrimaryKey = Bytes(3), LockTs = 90, CurrentTs = ulong.MaxValue })).RegionError,
        ["KvBatchRollback"] = async api => (await api.KvBatchRollbackAsync(new BatchRollbackRequest { StartVersion = 90, Keys = { Bytes(3) } })).RegionError,
        ["KvResolveLock"] = async api => (await api.KvResolveLockAsync(new ResolveLockRequest { StartVersion = 90, CommitVersion = 95 })).RegionError,
    };

    private readonly TrackingStorage _storage = new();

    /// <summary>
    /// Every test starts from a transaction (start 90) prewritten on key 3 and a value of key 4
    /// committed at 84: data a wrongly accepted request would change.
    /// </summary>
    public BadRequestTests()
    {
        _storage.Set(ColumnFamily.Default, KeyCodec.EncodeKey([3], 90), [42]);
        _storage.Set(ColumnFamily.Lock, [3], new Lock([3], 90, 3000, WriteKind.Put).ToBytes());
        _storage.Set(ColumnFamily.Default, KeyCodec.EncodeKey([4], 80), [15]);
        _storage.Set(ColumnFamily.Write, KeyCodec.EncodeKey([4], 84), new Write(80, WriteKind.Put).ToBytes());
    }

    public static TheoryData<string> MalformedRequests => [.. Malformed.Keys];

    public static TheoryData<string> HandlerNames => [.. Handlers.Keys];

    public void Dispose() => _storage.Dispose();

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task A_malformed_request_is_refused_naming_the_field_and_writes_nothing(string request)
    {
        var (field, send) = Malformed[request];
        var api = new TransactionApi(_storage);

        var sending = () => send(api);

        (await sending.Should().ThrowAsync<InvalidRequestException>("{0} is malformed and must be refused before anything is read or written", request)
            )
            .WithMessage($"*{field}*", "the refusal of {0} should name what is wrong ({1})", request, field);
        ShouldBeUntouched(request);
    }

    [Fact]
    public async Task A_prewrite_without_mutations_needs_no_primary()
    {
        var response = await new TransactionApi(_storage).KvPrewriteAsync(Prewrite(100, Google.Protobuf.ByteString.Empty));

        response.Errors.Should().BeEmpty("a prewrite of nothing is accepted, as in the original, primary or not");
        ShouldBeUntouched("an empty prewrite");
    }

    [Fact]
    public async Task A_commit_without_keys_is_accepted()
    {
        var response = await new TransactionApi(_storage).KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 95 });

        response.Error.Should().BeNull("a commit of no keys is accepted, as in the original");
        ShouldBeUntouched("an empty commit");
    }

    [Fact]
    public async Task A_key_named_twice_in_a_commit_or_a_rollback_is_accepted()
    {
        var api = new TransactionApi(_storage);

        var commit = await api.KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 95, Keys = { Bytes(3), Bytes(3) } });
        var rollback = await api.KvBatchRollbackAsync(new BatchRollbackRequest { StartVersion = 91, Keys = { Bytes(6), Bytes(6) } });

        commit.Error.Should().BeNull("a commit may name a key twice (the original commits it once)");
        rollback.Error.Should().BeNull("a rollback may name a key twice (the original rolls it back once)");
        _storage.Get(ColumnFamily.Write, KeyCodec.EncodeKey([3], 95)).Should().Equal(
            new Write(90, WriteKind.Put).ToBytes(), "key 3 is committed once, at 95");
        _storage.Get(ColumnFamily.Write, KeyCodec.EncodeKey([6], 91)).Should().Equal(
            new Write(91, WriteKind.Rollback).ToBytes(), "key 6 is rolled back once, at 91");
        _storage.Len(ColumnFamily.Write).Should().Be(3, "one record each for keys 3 and 6 beside key 4's");
    }

    [Fact]
    public async Task A_resolve_of_start_0_is_accepted()
    {
        var response = await new TransactionApi(_storage).KvResolveLockAsync(new ResolveLockRequest());

        response.Error.Should().BeNull("no transaction started at 0, so there is nothing to resolve; the original accepts it");
        ShouldBeUntouched("a resolve of start 0");
    }

    [Theory]
    [MemberData(nameof(HandlerNames))]
    public async Task A_region_error_from_the_storage_comes_back_in_the_response_and_nothing_is_written(string handler)
    {
        var error = new Error { Message = "not the leader", NotLeader = new NotLeader { RegionId = 7 } };
        var api = new TransactionApi(new FailingStorage(_storage, error));

        var regionError = await Handlers[handler](api);

        regionError.Should().Be(error, "{0} must hand the storage's region error back to the client, which retries elsewhere", handler);
        ShouldBeUntouched(handler + " failing with a region error");
    }

    private void ShouldBeUntouched(string request)
    {
        _storage.Len(ColumnFamily.Default).Should().Be(2, "{0} must not write a value", request);
        _storage.Len(ColumnFamily.Lock).Should().Be(1, "{0} must not add or remove a lock", request);
        _storage.Len(ColumnFamily.Write).Should().Be(1, "{0} must not write a commit or rollback record", request);
        _storage.HasChanged(ColumnFamily.Default, KeyCodec.EncodeKey([3], 90)).Should().BeFalse("{0} must leave key 3's prewritten value alone", request);
        _storage.HasChanged(ColumnFamily.Lock, [3]).Should().BeFalse("{0} must leave key 3's lock alone", request);
        _storage.HasChanged(ColumnFamily.Default, KeyCodec.EncodeKey([4], 80)).Should().BeFalse("{0} must leave key 4's value alone", request);
        _storage.HasChanged(ColumnFamily.Write, KeyCodec.EncodeKey([4], 84)).Should().BeFalse("{0} must leave key 4's commit record alone", request);
    }

    private static PrewriteRequest Prewrite(ulong startTs, Google.Protobuf.ByteString primary, params Mutation[] mutations) =>
        new() { StartVersion = startTs, PrimaryLock = primary, LockTtl = 3000, Mutations = { mutations } };

    /// <summary>A storage that cannot serve this request: a replicated storage on a peer that is not the leader.</summary>
    private sealed class FailingStorage(IStorage inner, Error error) : IStorage
    {
        public void Start() => inner.Start();

        public void Stop() => inner.Stop();

        public ValueTask WriteAsync(Context? ctx, IReadOnlyList<Modify> batch) => ValueTask.FromException(new RegionErrorException(error));

        public ValueTask<IStorageReader> ReaderAsync(Context? ctx) => ValueTask.FromException<IStorageReader>(new RegionErrorException(error));
    }
}
