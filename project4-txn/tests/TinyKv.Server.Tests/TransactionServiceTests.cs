using FluentAssertions;
using Grpc.Core;
using TinyKv.Client;
using TinyKv.Proto.Kvrpcpb;
using Xunit;
using static TinyKv.Server.Tests.ServerFixture;

namespace TinyKv.Server.Tests;

/// <summary>The transactional API end to end: Percolator's commands over gRPC against a real server.</summary>
public sealed class TransactionServiceTests : IAsyncLifetime
{
    private readonly ClockOracle _oracle = ClockOracle.System();
    private ServerFixture _kv = null!;

    public async Task InitializeAsync() => _kv = await StartAsync();

    public async Task DisposeAsync() => await _kv.DisposeAsync();

    [Fact]
    public async Task A_two_key_transaction_prewrites_commits_and_reads_back_over_grpc()
    {
        var client = _kv.Client;
        var start = _oracle.Next();
        var prewrite = await client.KvPrewriteAsync(new PrewriteRequest
        {
            StartVersion = start,
            PrimaryLock = Text("k1"),
            LockTtl = 3000,
            Mutations =
            {
                new Mutation { Op = Op.Put, Key = Text("k1"), Value = Text("v1") },
                new Mutation { Op = Op.Put, Key = Text("k2"), Value = Text("v2") },
            },
        });
        prewrite.Errors.Should().BeEmpty();
        prewrite.RegionError.Should().BeNull();

        var commitTs = _oracle.Next();
        (await client.KvCommitAsync(new CommitRequest { StartVersion = start, CommitVersion = commitTs, Keys = { Text("k1") } })).Error.Should().BeNull();
        (await client.KvCommitAsync(new CommitRequest { StartVersion = start, CommitVersion = commitTs, Keys = { Text("k2") } })).Error.Should().BeNull();

        var readTs = _oracle.Next();
        (await client.KvGetAsync(new GetRequest { Key = Text("k1"), Version = readTs })).Value.ToStringUtf8().Should().Be("v1");
        (await client.KvGetAsync(new GetRequest { Key = Text("k2"), Version = readTs })).Value.ToStringUtf8().Should().Be("v2");
        (await client.KvGetAsync(new GetRequest { Key = Text("k1"), Version = start })).NotFound.Should().BeTrue("a read before the commit does not see it");
    }

    [Fact]
    public async Task A_zero_start_version_is_invalid_argument_and_the_server_keeps_serving()
    {
        var act = async () => await _kv.Client.KvPrewriteAsync(new PrewriteRequest
        {
            StartVersion = 0,
            PrimaryLock = Text("k"),
            Mutations = { new Mutation { Op = Op.Put, Key = Text("k"), Value = Text("v") } },
        });

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("KvPrewrite").And.Contain("start_version");

        var get = await _kv.Client.KvGetAsync(new GetRequest { Key = Text("k"), Version = _oracle.Next() });
        get.NotFound.Should().BeTrue();
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("k") })).NotFound.Should().BeTrue();
    }

    [Fact]
    public async Task An_empty_key_is_invalid_argument()
    {
        var act = async () => await _kv.Client.KvGetAsync(new GetRequest { Version = _oracle.Next() });

        (await act.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task The_percolator_client_commits_and_reads_back_over_grpc()
    {
        var client = new PercolatorClient(new GrpcTransport(_kv.Client), _oracle);
        var txn = await client.BeginAsync();
        txn.Set("a"u8.ToArray(), "1"u8.ToArray());
        txn.Set("b"u8.ToArray(), "2"u8.ToArray());

        var commitTs = await txn.CommitAsync();

        commitTs.Should().BeGreaterThan(txn.StartTs);
        var reader = await client.BeginAsync();
        (await reader.GetAsync("a"u8.ToArray())).Should().Equal("1"u8.ToArray());
        (await reader.ScanAsync("a"u8.ToArray(), 10)).Select(p => p.Value).Should().BeEquivalentTo(["1"u8.ToArray(), "2"u8.ToArray()]);
    }

    [Fact]
    public async Task A_write_conflict_over_grpc_throws_and_leaves_the_winner_in_place()
    {
        var client = new PercolatorClient(new GrpcTransport(_kv.Client), _oracle);
        var loser = await client.BeginAsync();
        var winner = await client.BeginAsync();
        winner.Set("k"u8.ToArray(), "winner"u8.ToArray());
        await winner.CommitAsync();
        loser.Set("k"u8.ToArray(), "loser"u8.ToArray());

        var act = () => loser.CommitAsync();

        await act.Should().ThrowAsync<TransactionConflictException>();
        (await (await client.BeginAsync()).GetAsync("k"u8.ToArray())).Should().Equal("winner"u8.ToArray());
    }
}
