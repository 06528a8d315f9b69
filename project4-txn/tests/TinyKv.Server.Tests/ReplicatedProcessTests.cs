using System.Text.RegularExpressions;
using FluentAssertions;
using TinyKv.Server.Replication;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// A replicated cluster as a user starts it: three <c>tinykv-server</c> processes given the same
/// <c>--cluster</c> list, one of them killed, and started again over its data.
/// </summary>
public sealed class ReplicatedProcessTests : IDisposable
{
    private readonly TempDirectory _data = new("tinykv-cluster-process");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Three_server_processes_replicate_and_outlive_a_killed_leader()
    {
        var ports = ReplicatedCluster.FreePorts(3);
        var list = string.Join(",", ports.Select((port, i) => $"{i + 1}=127.0.0.1:{port}"));
        var servers = new Dictionary<ulong, ServerProcess>();
        try
        {
            foreach (var id in new ulong[] { 1, 2, 3 })
            {
                servers[id] = Start(id);
            }

            using var client = new LeaderClient(ClusterMembers.Parse(list));
            await client.PutAsync("shared", "by all");
            await FollowerRefusesAsync(client, servers);

            var leader = client.LastLeader;
            servers[leader].Kill();
            servers.Remove(leader);

            await client.PutAsync("after", "failover");
            client.LastLeader.Should().NotBe(leader);
            (await client.GetAsync("shared")).Should().Be("by all");

            servers[leader] = Start(leader);
            var survivor = servers.Keys.First(id => id != leader && id != client.LastLeader);
            servers[client.LastLeader].Kill(); // Now serving needs the restarted store.
            servers.Remove(client.LastLeader);
            (await client.GetAsync("after")).Should().Be("failover");
            servers.Keys.Should().Contain([leader, survivor]);
        }
        finally
        {
            foreach (var server in servers.Values)
            {
                server.Dispose();
            }
        }

        ServerProcess Start(ulong id) =>
            ServerProcess.Start(_data.Combine($"store-{id}"), "--store-id", $"{id}", "--cluster", list, "--raft-tick-ms", "100");
    }

    /// <summary>tinykv-ctl against a follower fails, naming the leader, and writes nothing.</summary>
    private static Task FollowerRefusesAsync(LeaderClient client, Dictionary<ulong, ServerProcess> servers) =>
        client.AtAFollowerAsync(async (follower, attempt) =>
        {
            var key = $"refused-{attempt}";
            var (exit, _, stderr) = ServerProcessTests.CtlWithErrors(servers[follower], "put", key, "y");
            if (exit == 0)
            {
                return false; // The store had become the leader.
            }

            exit.Should().Be(1);
            (await client.GetAsync(key)).Should().BeNull("a follower's refusal writes nothing");

            // A follower between leaders (its election timer ran out on a busy machine) knows
            // no leader to name: it refuses with its region error; try again once it settled.
            if (!Regex.IsMatch(stderr, @"this server is not the leader; store \d+ leads"))
            {
                stderr.Should().Contain("region error", "a follower that knows no leader still refuses");
                return false;
            }

            return true;
        });

    [Fact]
    public void A_store_id_without_a_cluster_list_is_refused_at_start()
    {
        var start = () => ServerProcess.Start(_data.Combine("lonely"), "--store-id", "1");
        start.Should().Throw<Exception>().WithMessage("*--store-id and --cluster go together*");
    }
}
