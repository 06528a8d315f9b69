using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using Xunit;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.Server.Tests;

/// <summary>
/// <c>tinykv-ctl scheduler …</c> against the real <c>tinyscheduler-server</c> program: a cluster of
/// four stores and three regions, one of them short of replicas so the replica checker gives it an
/// add-peer operator. Output redirected to a pipe is a Markdown table, which the tests read cell by cell.
/// </summary>
public sealed class SchedulerCtlTests(SchedulerCtlTests.Cluster cluster) : IClassFixture<SchedulerCtlTests.Cluster>
{
    /// <summary>When every store's heartbeat says its statistics end: 2026-12-01 12:00:00 UTC.</summary>
    private const ulong HeartbeatTime = 1_796_126_400;

    [Fact]
    public void Stores_lists_every_store_with_its_address_state_counts_disk_figures_and_last_heartbeat()
    {
        var (exit, stdout, stderr) = cluster.Ctl("scheduler", "stores");

        exit.Should().Be(0, stderr);
        Table(stdout).Should().BeEquivalentTo(
            new[]
            {
                new[] { "store", "address", "state", "regions", "leaders", "capacity", "available", "used", "last heartbeat" },
                ["1", "127.0.0.1:20161", "Up", "3", "3", "1000.0 MiB", "500.0 MiB", "10.0 MiB", "2026-12-01 12:00:00Z"],
                ["2", "127.0.0.1:20162", "Up", "2", "0", "1000.0 MiB", "500.0 MiB", "10.0 MiB", "2026-12-01 12:00:00Z"],
                ["3", "127.0.0.1:20163", "Up", "2", "0", "1000.0 MiB", "500.0 MiB", "10.0 MiB", "2026-12-01 12:00:00Z"],
                ["4", "127.0.0.1:20164", "Up", "0", "0", "-", "-", "-", "never"],
            },
            o => o.WithStrictOrdering());
        stderr.Should().Be("(4 stores)");
    }

    [Fact]
    public void Regions_lists_key_ranges_epochs_peers_and_leaders_in_key_order()
    {
        var (exit, stdout, stderr) = cluster.Ctl("scheduler", "regions");

        exit.Should().Be(0, stderr);
        Table(stdout).Should().BeEquivalentTo(
            new[]
            {
                new[] { "region", "start key", "end key", "version", "conf_ver", "peers (id@store)", "leader" },
                ["2", "(min)", "fruit/m", "2", "3", "21@1, 22@2, 23@3", "21@1"],
                ["3", "fruit/m", "0xff00", "2", "3", "31@1, 32@2, 33@3", "31@1"],
                ["4", "0xff00", "(max)", "1", "1", "41@1", "41@1"],
            },
            o => o.WithStrictOrdering());
        stderr.Should().Be("(3 regions)");
    }

    [Fact]
    public void Regions_start_from_the_region_holding_the_start_key_and_stop_at_the_limit()
    {
        var fromText = cluster.Ctl("scheduler", "regions", "--start", "fruit/z", "--limit", "1");
        var fromHex = cluster.Ctl("scheduler", "regions", "--hex", "--start", "ff0001");

        fromText.ExitCode.Should().Be(0, fromText.Stderr);
        Table(fromText.Stdout).Skip(1).Select(row => row[0]).Should().Equal("3");
        fromHex.ExitCode.Should().Be(0, fromHex.Stderr);
        Table(fromHex.Stdout).Skip(1).Select(row => row[0]).Should().Equal("4");
    }

    [Fact]
    public void Region_shows_one_region_with_its_operator_or_none()
    {
        var shortOfReplicas = cluster.Ctl("scheduler", "region", "4");
        var complete = cluster.Ctl("scheduler", "region", "2");

        shortOfReplicas.ExitCode.Should().Be(0, shortOfReplicas.Stderr);
        var rows = Table(shortOfReplicas.Stdout);
        rows.Should().HaveCount(2);
        rows[0][^1].Should().Be("operator");
        rows[1][..7].Should().Equal("4", "0xff00", "(max)", "1", "1", "41@1", "41@1");
        rows[1][^1].Should().StartWith("Running ").And.Contain("Region");
        complete.ExitCode.Should().Be(0, complete.Stderr);
        Table(complete.Stdout)[1][^1].Should().Be("none");
    }

    [Fact]
    public void Operators_lists_the_add_peer_of_the_region_short_of_replicas()
    {
        var (exit, stdout, stderr) = cluster.Ctl("scheduler", "operators");

        exit.Should().Be(0, stderr);
        var rows = Table(stdout);
        rows[0].Should().Equal("region", "status", "description", "kind");
        rows.Should().HaveCount(2);
        rows[1][..2].Should().Equal("4", "Running");
        rows[1][2].Should().NotBeEmpty();
        rows[1][3].Should().Contain("Region");
        stderr.Should().Be("(1 operators among 3 regions)");
    }

    [Fact]
    public void Operator_shows_a_region_s_operator_and_says_when_it_has_none()
    {
        var running = cluster.Ctl("scheduler", "operator", "4");
        var none = cluster.Ctl("scheduler", "operator", "2");

        running.ExitCode.Should().Be(0, running.Stderr);
        Table(running.Stdout)[1][..2].Should().Equal("4", "Running");
        none.Should().Be((0, "region 2 has no operator", ""));
    }

    [Theory]
    [InlineData("region")]
    [InlineData("operator")]
    public void An_unknown_region_is_one_line_on_stderr_and_exit_code_1(string command)
    {
        var (exit, stdout, stderr) = cluster.Ctl("scheduler", command, "99");

        exit.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().Be("error: region 99 not found: the scheduler has not heard of it");
    }

    [Fact]
    public void A_scheduler_that_is_not_running_is_one_line_on_stderr_and_exit_code_1()
    {
        var address = $"127.0.0.1:{FreePort()}";

        var (exit, stdout, stderr) = ServerProcessTests.RunCtl("scheduler", "stores", "--scheduler", address);

        exit.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith($"error: cannot reach the scheduler at {address}: ").And.NotContain("\n");
    }

    [Fact]
    public void A_cluster_not_bootstrapped_is_one_line_on_stderr_and_exit_code_1()
    {
        using var data = new TempDirectory("tinyscheduler-ctl");
        using var scheduler = ServerProcess.StartScheduler(data.Combine("data"));

        var (exit, stdout, stderr) = ServerProcessTests.RunCtl("scheduler", "regions", "--scheduler", scheduler.Address);

        exit.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().MatchRegex(@"^error: the cluster of the scheduler at \S+ \(id \d+\) is not bootstrapped: no store has joined it yet$");
    }

    /// <summary>The rows of a Markdown table, the header first, each cell trimmed; the line under the header is left out.</summary>
    private static List<string[]> Table(string markdown) =>
        [.. markdown.Split('\n')
            .Where(line => line.StartsWith('|'))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => !cells.All(cell => cell.Length > 0 && cell.All(c => c is '-' or ':')))];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A tinyscheduler-server process, bootstrapped with store 1; stores 2 and 3 joined, store 4
    /// joined but never sent a heartbeat; regions 2 and 3 with three replicas, region 4 with one,
    /// all led by store 1. Ready when the replica checker has given region 4 its operator.
    /// </summary>
    public sealed class Cluster : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _data = new("tinyscheduler-ctl");
        private ServerProcess? _scheduler;

        private ServerProcess Scheduler => _scheduler ?? throw new InvalidOperationException("the cluster has not started");

        /// <summary>Runs tinykv-ctl against this cluster's scheduler.</summary>
        public (int ExitCode, string Stdout, string Stderr) Ctl(params string[] arguments) =>
            ServerProcessTests.RunCtl([.. arguments, "--scheduler", Scheduler.Address]);

        public async Task InitializeAsync()
        {
            _scheduler = ServerProcess.StartScheduler(_data.Combine("data"), "--patrol-interval-ms", "20");
            using var channel = GrpcChannel.ForAddress(_scheduler.Url);
            var client = new SchedulerClient(channel);
            var header = new RequestHeader { ClusterId = (await client.GetMembersAsync(new GetMembersRequest())).Header.ClusterId };
            (await client.BootstrapAsync(new BootstrapRequest { Header = header, Store = Store(1) })).Header.Error.Should().BeNull();
            for (ulong id = 2; id <= 4; id++)
            {
                (await client.PutStoreAsync(new PutStoreRequest { Header = header, Store = Store(id) })).Header.Error.Should().BeNull();
            }

            for (ulong id = 1; id <= 3; id++)
            {
                var stats = new StoreStats
                {
                    StoreId = id,
                    Capacity = 1000UL << 20,
                    Available = 500UL << 20,
                    UsedSize = 10UL << 20,
                    Interval = new TimeInterval { StartTimestamp = HeartbeatTime - 10, EndTimestamp = HeartbeatTime },
                };
                (await client.StoreHeartbeatAsync(new StoreHeartbeatRequest { Header = header, Stats = stats })).Header.Error.Should().BeNull();
            }

            using (var heartbeats = client.RegionHeartbeat())
            {
                await heartbeats.RequestStream.WriteAsync(Heartbeat(header, Region(2, [], "fruit/m"u8.ToArray(), version: 2, confVer: 3, 1, 2, 3)));
                await heartbeats.RequestStream.WriteAsync(Heartbeat(header, Region(3, "fruit/m"u8.ToArray(), [0xff, 0x00], version: 2, confVer: 3, 1, 2, 3)));
                await heartbeats.RequestStream.WriteAsync(Heartbeat(header, Region(4, [0xff, 0x00], [], version: 1, confVer: 1, 1)));
                await heartbeats.RequestStream.CompleteAsync();

                // The server ends the call once it has handled every heartbeat; what it sends back before that does not matter here.
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                while (await heartbeats.ResponseStream.MoveNext(cancel.Token))
                {
                }
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((await client.GetOperatorAsync(new GetOperatorRequest { Header = header, RegionId = 4 })).Header.Error is not null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"region 4 got no operator within 20 s: {_scheduler.Output}");
                }

                await Task.Delay(20);
            }
        }

        // xunit calls both DisposeAsync and Dispose on a fixture: the cleanup is in Dispose, once.
        public Task DisposeAsync() => Task.CompletedTask;

        /// <summary>Kills the scheduler process (by its id) and deletes its data.</summary>
        public void Dispose()
        {
            _scheduler?.Dispose();
            _scheduler = null;
            _data.Dispose();
        }

        private static Store Store(ulong id) => new() { Id = id, Address = $"127.0.0.1:{20160 + id}" };

        /// <summary>A region with a peer on each of <paramref name="stores"/> (peer id: region id × 10 + store id), led by the first.</summary>
        private static Region Region(ulong id, byte[] start, byte[] end, ulong version, ulong confVer, params ulong[] stores) => new()
        {
            Id = id,
            StartKey = ByteString.CopyFrom(start),
            EndKey = ByteString.CopyFrom(end),
            RegionEpoch = new RegionEpoch { Version = version, ConfVer = confVer },
            Peers = { stores.Select(store => new Peer { Id = (id * 10) + store, StoreId = store }) },
        };

        private static RegionHeartbeatRequest Heartbeat(RequestHeader header, Region region) =>
            new() { Header = header, Region = region, Leader = region.Peers[0].Clone() };
    }
}
