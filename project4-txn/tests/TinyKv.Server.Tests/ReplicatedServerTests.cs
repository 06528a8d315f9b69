using FluentAssertions;
using Google.Protobuf;
using Grpc.Core;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.RaftServerpb;
using Xunit;
using static TinyKv.Server.Tests.LeaderClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// Servers replicating their storage with Raft over gRPC: three stores in this process on free
/// loopback ports, a client that finds the leader, leaders lost and stores restarted.
/// </summary>
public sealed class ReplicatedServerTests
{
    [Fact]
    public async Task Raw_writes_are_replicated_and_survive_losing_the_leader()
    {
        await using var cluster = await ReplicatedCluster.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await cluster.PutAsync($"k{i:D2}", $"v{i}");
        }

        var leader = cluster.LastLeader;
        await cluster.StopServerAsync(leader);
        for (var i = 20; i < 30; i++)
        {
            await cluster.PutAsync($"k{i:D2}", $"v{i}");
        }

        cluster.LastLeader.Should().NotBe(leader, "the stopped store cannot answer");
        for (var i = 0; i < 30; i++)
        {
            (await cluster.GetAsync($"k{i:D2}")).Should().Be($"v{i}");
        }

        // The old leader comes back and a different store goes: a majority now needs the old
        // leader, so it must have kept its log and caught up with what it missed.
        await cluster.StartServerAsync(leader);
        await cluster.StopServerAsync(cluster.LastLeader);
        await cluster.PutAsync("after", "restart");
        for (var i = 0; i < 30; i++)
        {
            (await cluster.GetAsync($"k{i:D2}")).Should().Be($"v{i}");
        }

        (await cluster.GetAsync("after")).Should().Be("restart");
    }

    [Fact]
    public async Task A_store_far_behind_catches_up_from_a_snapshot_sent_over_grpc()
    {
        await using var cluster = await ReplicatedCluster.StartAsync(tune: o => o with { RaftLogGcCountLimit = 10, SnapshotChunkBytes = 256 });
        await cluster.PutAsync("first", "1");
        var behind = cluster.Members.Stores.Keys.First(id => id != cluster.LastLeader);
        await cluster.StopServerAsync(behind);
        for (var i = 0; i < 60; i++)
        {
            await cluster.PutAsync($"key{i:D2}", new string('x', 40) + i);
        }

        // The leader compacts its log on its next GC tick: wait (bounded) until what the stopped
        // store missed is gone from it, so only a snapshot can bring that store up to date.
        var leader = cluster.Server(cluster.LastLeader).Store!;
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while ((await leader.StatusAsync()).Single().TruncatedIndex < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token);
            }
        }

        await cluster.StartServerAsync(behind);
        var other = cluster.Members.Stores.Keys.First(id => id != behind && id != cluster.LastLeader);
        await cluster.StopServerAsync(other);

        // Two stores remain, one of them the store that missed everything: serving needs it.
        for (var i = 0; i < 60; i++)
        {
            (await cluster.GetAsync($"key{i:D2}")).Should().Be(new string('x', 40) + i);
        }

        (await cluster.GetAsync("first")).Should().Be("1");
        cluster.Server(behind).Store!.SnapshotsReceived.Should().BeGreaterThan(0, "the leader's log no longer held what the store missed");

        // A write now commits only with the store that was behind: it must have installed the
        // snapshot, so that its log continues where the leader's does.
        await cluster.PutAsync("after", "the snapshot");
        (await cluster.GetAsync("after")).Should().Be("the snapshot");
    }

    [Fact]
    public async Task Transactions_commit_through_the_replicated_store()
    {
        await using var cluster = await ReplicatedCluster.StartAsync();
        var prewrite = new PrewriteRequest { PrimaryLock = Text("a"), StartVersion = 10, LockTtl = 3000 };
        prewrite.Mutations.Add(new Mutation { Op = Op.Put, Key = Text("a"), Value = Text("1") });
        prewrite.Mutations.Add(new Mutation { Op = Op.Put, Key = Text("b"), Value = Text("2") });
        var prewritten = await cluster.Client.CallAsync((c, t) => c.KvPrewriteAsync(prewrite, cancellationToken: t).ResponseAsync, r => r.RegionError);
        prewritten.Errors.Should().BeEmpty();

        var commit = new CommitRequest { StartVersion = 10, CommitVersion = 20, Keys = { Text("a"), Text("b") } };
        var committed = await cluster.Client.CallAsync((c, t) => c.KvCommitAsync(commit, cancellationToken: t).ResponseAsync, r => r.RegionError);
        committed.Error.Should().BeNull();

        var leader = cluster.LastLeader;
        await cluster.StopServerAsync(leader);
        foreach (var (key, value) in new[] { ("a", "1"), ("b", "2") })
        {
            var got = await cluster.Client.CallAsync((c, t) => c.KvGetAsync(new GetRequest { Key = Text(key), Version = 30 }, cancellationToken: t).ResponseAsync, r => r.RegionError);
            got.Error.Should().BeNull();
            got.Value.ToStringUtf8().Should().Be(value);
        }
    }

    [Fact]
    public async Task A_follower_answers_not_leader_naming_the_leader()
    {
        await using var cluster = await ReplicatedCluster.StartAsync();

        await cluster.Client.AtAFollowerAsync(async (follower, _) =>
        {
            var response = await cluster.Client.Client(follower).RawGetAsync(new RawGetRequest { Key = Text("probe"), Cf = "default" });
            if (response.RegionError is null)
            {
                return false; // The follower had become the leader.
            }

            response.RegionError.NotLeader.Should().NotBeNull();
            response.RegionError.NotLeader.Leader.StoreId.Should().NotBe(follower);
            return true;
        });
    }

    [Fact]
    public async Task A_context_naming_a_region_or_epoch_the_store_does_not_have_gets_a_region_error()
    {
        await using var cluster = await ReplicatedCluster.StartAsync();
        await cluster.PutAsync("k", "v");
        var client = cluster.Client.Client(cluster.LastLeader);

        var unknown = await client.RawGetAsync(new RawGetRequest { Key = Text("k"), Cf = "default", Context = new Context { RegionId = 42 } });
        unknown.RegionError.RegionNotFound.RegionId.Should().Be(42);

        // Only the leader checks the epoch; a follower answers NotLeader first.
        var stale = new Context { RegionId = 1, RegionEpoch = new Proto.Metapb.RegionEpoch { ConfVer = 1, Version = 99 } };
        var put = await cluster.Client.CallAsync(
            (c, t) => c.RawPutAsync(new RawPutRequest { Key = Text("k"), Value = Text("lost"), Cf = "default", Context = stale }, cancellationToken: t).ResponseAsync,
            r => r.RegionError,
            expected: e => e.EpochNotMatch is not null);
        put.RegionError.EpochNotMatch.Should().NotBeNull();
        (await cluster.GetAsync("k")).Should().Be("v", "a refused write changes nothing");
    }

    [Fact]
    public async Task Keys_reserved_for_the_store_are_refused_and_the_store_keeps_serving()
    {
        await using var cluster = await ReplicatedCluster.StartAsync();
        await cluster.PutAsync("k", "v");
        var client = cluster.Client.Client(cluster.LastLeader);
        var put = () => client.RawPutAsync(new RawPutRequest { Key = ByteString.CopyFrom(1, 3, 0, 0, 0, 0, 0, 0, 0, 1, 1), Value = Text("x"), Cf = "default" }).ResponseAsync;
        (await put.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);

        var scan = await cluster.Client.CallAsync((c, t) => c.RawScanAsync(new RawScanRequest { StartKey = ByteString.Empty, Limit = 100, Cf = "default" }, cancellationToken: t).ResponseAsync, r => r.RegionError);
        scan.Kvs.Select(kv => kv.Key.ToStringUtf8()).Should().Equal("k"); // The store's own keys stay out of sight.
        (await cluster.GetAsync("k")).Should().Be("v");
    }

    [Fact]
    public async Task Malformed_raft_and_snapshot_streams_are_refused_without_harm()
    {
        await using var cluster = await ReplicatedCluster.StartAsync();
        await cluster.PutAsync("k", "v");
        var client = cluster.Client.Client(cluster.LastLeader);

        using (var raft = client.Raft())
        {
            await raft.RequestStream.WriteAsync(new RaftMessage());
            await raft.RequestStream.WriteAsync(new RaftMessage { RegionId = 99, ToPeer = new Proto.Metapb.Peer { Id = 7, StoreId = 7 }, Message = new Message { MsgType = MessageType.MsgHeartbeat } });
            await raft.RequestStream.CompleteAsync();
            await raft.ResponseAsync;
        }

        var garbage = new RaftMessage { RegionId = 1, ToPeer = new Proto.Metapb.Peer { Id = 1, StoreId = 1 }, Message = new Message { MsgType = MessageType.MsgSnapshot, Snapshot = new Snapshot { Data = Text("garbage"), Metadata = new SnapshotMetadata { Index = 1, Term = 1 } } } };
        await SnapshotRefused(new SnapshotChunk { Data = Text("not a snapshot") });
        await SnapshotRefused(new SnapshotChunk { Message = garbage }, new SnapshotChunk { Message = garbage, Data = ByteString.CopyFrom(new byte[12]) });

        await cluster.PutAsync("k2", "v2");
        (await cluster.GetAsync("k")).Should().Be("v");
        (await cluster.GetAsync("k2")).Should().Be("v2");

        // The server may refuse the stream at the first bad chunk, before the client finished
        // writing. A write that lands on a finished call fails with whatever the client made of
        // the torn-down stream (often Cancelled); the call's status is the server's, and it is
        // read from the response.
        async Task SnapshotRefused(params SnapshotChunk[] chunks)
        {
            using var snapshot = client.Snapshot();
            try
            {
                foreach (var chunk in chunks)
                {
                    await snapshot.RequestStream.WriteAsync(chunk);
                }

                await snapshot.RequestStream.CompleteAsync();
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
            {
            }

            var response = async () => await snapshot.ResponseAsync;
            (await response.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
        }
    }
}
