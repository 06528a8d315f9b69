using FluentAssertions;
using Grpc.Core;
using TinyKv.Proto.Kvrpcpb;
using Xunit;
using static TinyKv.Server.Tests.ServerFixture;

namespace TinyKv.Server.Tests;

/// <summary>The raw API end to end: a real gRPC client against a server on a loopback port.</summary>
public sealed class RawServiceTests : IAsyncLifetime
{
    private ServerFixture _kv = null!;

    public async Task InitializeAsync() => _kv = await StartAsync();

    public async Task DisposeAsync() => await _kv.DisposeAsync();

    [Fact]
    public async Task Put_get_scan_and_delete_work_over_grpc()
    {
        var client = _kv.Client;
        foreach (var (k, v) in new[] { ("a", "1"), ("b", "2"), ("c", "3") })
        {
            (await client.RawPutAsync(new RawPutRequest { Key = Text(k), Value = Text(v), Cf = "default" })).Error.Should().BeEmpty();
        }

        (await client.RawGetAsync(new RawGetRequest { Key = Text("b"), Cf = "default" })).Value.ToStringUtf8().Should().Be("2");
        var scan = await client.RawScanAsync(new RawScanRequest { StartKey = Text("b"), Limit = 10, Cf = "default" });
        scan.Kvs.Select(kv => kv.Key.ToStringUtf8() + "=" + kv.Value.ToStringUtf8()).Should().Equal("b=2", "c=3");

        (await client.RawDeleteAsync(new RawDeleteRequest { Key = Text("b"), Cf = "default" })).Error.Should().BeEmpty();
        (await client.RawGetAsync(new RawGetRequest { Key = Text("b"), Cf = "default" })).NotFound.Should().BeTrue();
    }

    [Fact]
    public async Task An_unknown_column_family_is_answered_in_the_error_field_and_the_server_keeps_serving()
    {
        var bad = await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("k"), Value = Text("v"), Cf = "bogus" });
        bad.Error.Should().Contain("unknown column family");

        (await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("k"), Value = Text("v") })).Error.Should().BeEmpty();
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("k"), Cf = "bogus" })).Error.Should().Contain("bogus");
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("k") })).Value.ToStringUtf8().Should().Be("v");
    }

    [Fact]
    public async Task An_empty_key_is_answered_in_the_error_field()
    {
        var response = await _kv.Client.RawPutAsync(new RawPutRequest { Value = Text("v"), Cf = "default" });

        response.Error.Should().Contain("key");
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_refused_and_the_server_keeps_serving()
    {
        var huge = new RawPutRequest { Key = Text("big"), Value = Google.Protobuf.ByteString.CopyFrom(new byte[11 * 1024 * 1024]) };

        var act = async () => await _kv.Client.RawPutAsync(huge);

        (await act.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.ResourceExhausted);
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("big") })).NotFound.Should().BeTrue();
    }

    [Fact]
    public async Task The_raft_stream_of_a_standalone_server_answers_unimplemented_saying_how_to_replicate()
    {
        // The server refuses the stream as soon as it opens, before reading a message. (A client
        // that writes first races that answer: its write may meet the closed stream and report
        // the call as cancelled instead of carrying the server's status.)
        using var call = _kv.Client.Raft();
        var act = async () => await call.ResponseAsync;

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.Unimplemented);
        error.Status.Detail.Should().Contain("standalone").And.Contain("--cluster");
    }

    [Fact]
    public async Task The_raft_batch_stream_of_a_standalone_server_answers_unimplemented_saying_how_to_replicate()
    {
        using var call = new Proto.Raftbatchpb.RaftBatch.RaftBatchClient(_kv.Channel).Messages();
        var act = async () => await call.ResponseAsync;

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.Unimplemented);
        error.Status.Detail.Should().Contain("standalone").And.Contain("--cluster");
    }

    [Fact]
    public async Task A_write_survives_a_restart_of_the_server()
    {
        (await _kv.Client.RawPutAsync(new RawPutRequest { Key = Text("durable"), Value = Text("yes"), Cf = "write" })).Error.Should().BeEmpty();

        await _kv.RestartAsync();

        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("durable"), Cf = "write" })).Value.ToStringUtf8().Should().Be("yes");
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused()
    {
        var act = async () => await TinyKvServer.StartAsync(Options(_kv.Data));

        await act.Should().ThrowAsync<IOException>();
        (await _kv.Client.RawGetAsync(new RawGetRequest { Key = Text("k") })).NotFound.Should().BeTrue();
    }
}
