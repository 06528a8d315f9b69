using dotnet_etcd;
using Etcdserverpb;
using FluentAssertions;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.SchedulerServer.Etcd;
using TinyKv.SchedulerServer.Leadership;
using TinyKv.TestKit;

using TinyKv.TestKit.Etcd;

namespace TinyKv.SchedulerServer.Tests.Etcd;

/// <summary>The leader's write-behind metadata store over a real etcd: durable on the barrier, guarded by the leader key.</summary>
public sealed class EtcdSchedulerKvTests : IDisposable
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _data = new("tinyscheduler-etcd-kv");

    public void Dispose() => _data.Dispose();

    [FactNeedingEtcd]
    public async Task Writes_are_in_etcd_once_the_barrier_completes_coalesced_and_split_into_txns_of_bounded_size()
    {
        using var etcd = await EtcdServer.StartAsync(_data.Combine("etcd"));
        using var client = new EtcdClient(etcd.Endpoint);
        var keys = new EtcdKeys("/test/");
        var revision = (await client.PutAsync(new PutRequest { Key = keys.Leader, Value = ByteString.CopyFromUtf8("me") })).Header.Revision;
        await using var kv = await EtcdSchedulerKv.LoadAsync(client, keys, revision, NullLogger.Instance, CancellationToken.None);

        for (var i = 0; i < 3 * EtcdSchedulerKv.MaxOpsPerTxn; i++)
        {
            kv.Save($"k/{i:D4}", [(byte)i]);
        }

        kv.Save("k/0001", [42]);
        kv.Remove("k/0002");
        await kv.WhenDurableAsync().WaitAsync(s_limit);

        await using var reloaded = await EtcdSchedulerKv.LoadAsync(client, keys, revision, NullLogger.Instance, CancellationToken.None);
        reloaded.Count.Should().Be(3 * EtcdSchedulerKv.MaxOpsPerTxn - 1);
        reloaded.Load("k/0001").Should().Equal(42);
        reloaded.Load("k/0002").Should().BeNull();
        reloaded.LoadRange("k/0000", "k/0004", 0).Select(e => e.Key).Should().Equal("k/0000", "k/0001", "k/0003");
    }

    [FactNeedingEtcd]
    public async Task A_deposed_leaders_write_is_refused_and_leaves_the_new_leaders_metadata_alone()
    {
        using var etcd = await EtcdServer.StartAsync(_data.Combine("etcd"));
        using var client = new EtcdClient(etcd.Endpoint);
        var keys = new EtcdKeys("/test/");
        var oldTerm = (await client.PutAsync(new PutRequest { Key = keys.Leader, Value = ByteString.CopyFromUtf8("old") })).Header.Revision;
        await using var deposed = await EtcdSchedulerKv.LoadAsync(client, keys, oldTerm, NullLogger.Instance, CancellationToken.None);
        await client.DeleteAsync(new DeleteRangeRequest { Key = keys.Leader });
        var newTerm = (await client.PutAsync(new PutRequest { Key = keys.Leader, Value = ByteString.CopyFromUtf8("new") })).Header.Revision;
        await using var leader = await EtcdSchedulerKv.LoadAsync(client, keys, newTerm, NullLogger.Instance, CancellationToken.None);
        leader.Save("raft", [1]);
        await leader.WhenDurableAsync().WaitAsync(s_limit);

        deposed.Save("raft", [2]);
        var write = () => deposed.WhenDurableAsync().WaitAsync(s_limit);

        await write.Should().ThrowAsync<LeadershipLostException>();
        await deposed.Deposed.WaitAsync(s_limit);
        (await client.GetAsync(new RangeRequest { Key = keys.Data("raft") })).Kvs.Single().Value.ToByteArray().Should().Equal(1);
    }
}
