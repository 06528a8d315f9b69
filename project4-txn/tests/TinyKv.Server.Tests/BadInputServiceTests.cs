using FluentAssertions;
using Google.Protobuf;
using Grpc.Core;
using TinyKv.Codec;
using TinyKv.Proto.Kvrpcpb;
using Xunit;
using Xunit.Abstractions;
using static TinyKv.Server.Tests.ServerFixture;

namespace TinyKv.Server.Tests;

/// <summary>
/// Bad input against a standalone server, as a new user sends it: a refusal quoting a huge key,
/// lock and write records written raw, clients that give up mid-request. Every call has a
/// deadline, so a server that never answers fails the test instead of hanging it.
/// </summary>
[Collection(BadInputCollection.Name)]
public sealed class BadInputServiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private ServerFixture _kv = null!;

    public async Task InitializeAsync() => _kv = await StartAsync();

    public async Task DisposeAsync() => await _kv.DisposeAsync();

    private static DateTime Soon => DateTime.UtcNow + Deadline;

    /// <summary>Each transactional request, by name; every one reads the lock of key <c>k</c> as <see cref="Send"/> sends it.</summary>
    public static TheoryData<string> Rpcs => ["KvGet", "KvPrewrite", "KvCommit", "KvCheckTxnStatus", "KvScan", "KvBatchRollback", "KvResolveLock"];

    /// <summary>The requests that read the write records of key <c>k</c> (a resolve reads only locks).</summary>
    public static TheoryData<string> WriteReaders => ["KvGet", "KvPrewrite", "KvCommit", "KvCheckTxnStatus", "KvScan", "KvBatchRollback"];

    [Fact]
    public async Task A_refused_prewrite_with_a_70000_byte_key_answers_with_a_bounded_message_and_the_channel_keeps_serving()
    {
        var key = ByteString.CopyFrom([.. Enumerable.Repeat((byte)'k', 70_000)]);
        var prewrite = new PrewriteRequest
        {
            StartVersion = 10,
            PrimaryLock = key,
            Mutations = { new Mutation { Op = (Op)99, Key = key, Value = Text("v") } },
        };

        var act = async () => await _kv.Client.KvPrewriteAsync(prewrite, deadline: Soon);

        var refused = (await act.Should().ThrowAsync<RpcException>()).Which;
        refused.StatusCode.Should().Be(StatusCode.InvalidArgument);
        refused.Status.Detail.Length.Should().BeLessThan(1000, "a message quotes a key's first bytes and its length, not the whole key");
        refused.Status.Detail.Should().Contain("(70000 bytes)").And.StartWith("KvPrewrite: ");
        (await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("next"), Value = Text("v") }, deadline: Soon)).Error.Should().BeEmpty();
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("next") }, deadline: Soon)).Value.ToStringUtf8().Should().Be("v");
    }

    [Fact]
    public async Task An_unknown_column_family_with_a_huge_name_is_answered_with_a_bounded_error()
    {
        var name = new string('x', 100_000);

        var response = await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("k"), Value = Text("v"), Cf = name }, deadline: Soon);

        response.Error.Length.Should().BeLessThan(1000);
        response.Error.Should().Contain("unknown column family").And.Contain("(100000 characters)");
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task A_raw_garbage_lock_makes_a_transactional_request_fail_precondition_naming_the_key_and_family(string rpc)
    {
        (await _kv.Client.RawPutAsync(new RawPutRequest { Cf = "lock", Key = Text("k"), Value = Text("garbage") }, deadline: Soon)).Error.Should().BeEmpty();

        var act = () => Send(rpc, Text("k"));

        var refused = (await act.Should().ThrowAsync<RpcException>()).Which;
        refused.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        refused.Status.Detail.Should().StartWith(rpc + ": ")
            .And.Contain("the lock column family holds a corrupt record under key 6B:")
            .And.Contain("raw delete");
    }

    [Theory]
    [MemberData(nameof(WriteReaders))]
    public async Task A_raw_garbage_write_record_makes_a_transactional_request_fail_precondition_naming_the_key_and_family(string rpc)
    {
        var stored = KeyCodec.EncodeKey("k"u8, 95);
        (await _kv.Client.RawPutAsync(new RawPutRequest { Cf = "write", Key = ByteString.CopyFrom(stored), Value = Text("x") }, deadline: Soon)).Error.Should().BeEmpty();

        var act = () => Send(rpc, Text("k"));

        var refused = (await act.Should().ThrowAsync<RpcException>()).Which;
        refused.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        refused.Status.Detail.Should().StartWith(rpc + ": ")
            .And.Contain($"the write column family holds a corrupt record under key {Convert.ToHexString(stored)}:")
            .And.Contain("user key 6B at commit timestamp 95");
    }

    [Fact]
    public async Task A_refused_request_writes_nothing()
    {
        await _kv.Client.RawPutAsync(new RawPutRequest { Cf = "lock", Key = Text("k"), Value = Text("garbage") }, deadline: Soon);
        var prewrite = () => _kv.Client.KvPrewriteAsync(
            new PrewriteRequest { StartVersion = 100, PrimaryLock = Text("j"), Mutations = { Put("j"), Put("k") } }, deadline: Soon).ResponseAsync;

        (await prewrite.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);

        var locks = await _kv.Client.RawScanAsync(new RawScanRequest { Cf = "lock", Limit = 10 }, deadline: Soon);
        locks.Kvs.Should().ContainSingle("the prewrite refused, so it locked neither j nor k").Which.Key.ToStringUtf8().Should().Be("k");
        (await _kv.Client.RawScanAsync(new RawScanRequest { Cf = "default", Limit = 10 }, deadline: Soon)).Kvs.Should().BeEmpty();
    }

    [Fact]
    public async Task A_raw_write_record_under_a_key_that_is_not_encoded_fails_precondition_naming_it()
    {
        (await _kv.Client.RawPutAsync(new RawPutRequest { Cf = "write", Key = Text("plain"), Value = Text("x") }, deadline: Soon)).Error.Should().BeEmpty();

        var act = () => Send("KvScan", Text("a"));

        var refused = (await act.Should().ThrowAsync<RpcException>()).Which;
        refused.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        refused.Status.Detail.Should().Contain("under key 706C61696E: the key is not a user key encoded with a commit timestamp");
    }

    [Fact]
    public async Task Deleting_the_garbage_lock_raw_makes_the_key_usable_again()
    {
        await _kv.Client.RawPutAsync(new RawPutRequest { Cf = "lock", Key = Text("k"), Value = Text("garbage") }, deadline: Soon);

        (await _kv.Client.RawDeleteAsync(new RawDeleteRequest { Cf = "lock", Key = Text("k") }, deadline: Soon)).Error.Should().BeEmpty();

        (await _kv.Client.KvGetAsync(new GetRequest { Key = Text("k"), Version = 100 }, deadline: Soon)).NotFound.Should().BeTrue();
    }

    [Fact]
    public async Task Clients_that_cancel_mid_request_leave_the_server_serving()
    {
        var value = ByteString.CopyFrom(new byte[4 * 1024 * 1024]);
        var outcomes = new List<StatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var cancel = new CancellationTokenSource();
            var call = _kv.Client.RawPutAsync(new RawPutRequest { Key = Text($"c{i}"), Value = value }, deadline: Soon, cancellationToken: cancel.Token);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(i % 5));
            try
            {
                await call;
                outcomes.Add(StatusCode.OK);
            }
            catch (RpcException ex)
            {
                outcomes.Add(ex.StatusCode);
            }
        }

        outcomes.Should().OnlyContain(code => code == StatusCode.OK || code == StatusCode.Cancelled);
        (await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("after"), Value = Text("v") }, deadline: Soon)).Error.Should().BeEmpty();
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("after") }, deadline: Soon)).Value.ToStringUtf8().Should().Be("v");
    }

    [Fact]
    public async Task Requests_whose_deadline_passes_while_queued_leave_the_server_serving_and_nothing_half_written()
    {
        const int Requests = 10_000;
        var random = new Random(TinyKv.TestKit.TestSeed.Value);
        await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("connected") }, deadline: Soon); // The channel is open before the flood.
        var calls = Enumerable.Range(0, Requests).Select(async i =>
        {
            // Three keys per prewrite: a batch lands whole or not at all, whenever the deadline strikes.
            var request = new PrewriteRequest { StartVersion = 100, PrimaryLock = Key(i, 'a'), LockTtl = 3000 };
            foreach (var part in "abc")
            {
                request.Mutations.Add(new Mutation { Op = Op.Put, Key = Key(i, part), Value = Text("v") });
            }

            try
            {
                await _kv.Client.KvPrewriteAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(random.Next(0, 2000)));
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(calls);
        output.WriteLine(string.Join(", ", outcomes.GroupBy(code => code).Select(g => $"{g.Key}: {g.Count()}")));

        // Under the flood a request may also be refused outright (ResourceExhausted: the server
        // sheds what it cannot queue); a refusal is a clear answer and writes nothing, like a
        // deadline that passed in the queue.
        outcomes.Should().OnlyContain(code => code == StatusCode.OK || code == StatusCode.DeadlineExceeded
            || code == StatusCode.Cancelled || code == StatusCode.ResourceExhausted);
        (await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("after"), Value = Text("v") }, deadline: Soon)).Error.Should().BeEmpty();
        var locks = await _kv.Client.RawScanAsync(new RawScanRequest { Cf = "lock", Limit = 4 * Requests }, deadline: Soon);
        var parts = locks.Kvs.GroupBy(kv => kv.Key.ToStringUtf8()[..^2]).ToDictionary(g => g.Key, g => g.Count());
        parts.Where(p => p.Value != 3).Should().BeEmpty("a prewrite writes all its keys or none");
        parts.Count.Should().BeGreaterThanOrEqualTo(outcomes.Count(code => code == StatusCode.OK), "every acknowledged prewrite is stored");
    }

    private static Mutation Put(string key) => new() { Op = Op.Put, Key = Text(key), Value = Text("v") };

    private static ByteString Key(int request, char part) => Text($"q{request:D5}-{part}");

    /// <summary>Sends <paramref name="rpc"/> for <paramref name="key"/>, in a form that reads the key's lock and write records.</summary>
    private Task Send(string rpc, ByteString key) => rpc switch
    {
        "KvGet" => _kv.Client.KvGetAsync(new GetRequest { Key = key, Version = 100 }, deadline: Soon).ResponseAsync,
        "KvPrewrite" => _kv.Client.KvPrewriteAsync(
            new PrewriteRequest { StartVersion = 100, PrimaryLock = key, Mutations = { new Mutation { Op = Op.Put, Key = key, Value = Text("v") } } },
            deadline: Soon).ResponseAsync,
        "KvCommit" => _kv.Client.KvCommitAsync(new CommitRequest { StartVersion = 90, CommitVersion = 95, Keys = { key } }, deadline: Soon).ResponseAsync,
        "KvCheckTxnStatus" => _kv.Client.KvCheckTxnStatusAsync(new CheckTxnStatusRequest { PrimaryKey = key, LockTs = 90, CurrentTs = 100 }, deadline: Soon).ResponseAsync,
        "KvScan" => _kv.Client.KvScanAsync(new ScanRequest { StartKey = key, Limit = 10, Version = 100 }, deadline: Soon).ResponseAsync,
        "KvBatchRollback" => _kv.Client.KvBatchRollbackAsync(new BatchRollbackRequest { StartVersion = 90, Keys = { key } }, deadline: Soon).ResponseAsync,
        "KvResolveLock" => _kv.Client.KvResolveLockAsync(new ResolveLockRequest { StartVersion = 90, CommitVersion = 95 }, deadline: Soon).ResponseAsync,
        _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "not a request this test sends"),
    };
}
