using System.Net;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Runtime;
using TinyKv.SchedulerServer;
using TinyKv.Server.Scheduling;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// The store's state machine sends its statistics without a time (it has no clock); the gRPC
/// scheduler client stamps the period they cover, so the scheduler (and <c>tinykv-ctl scheduler
/// stores</c>) can tell when a store last reported.
/// </summary>
public sealed class StoreHeartbeatIntervalTests : IDisposable
{
    private readonly TempDirectory _data = new("tinykv-store-heartbeat");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_store_heartbeat_carries_the_period_from_the_last_one_to_now()
    {
        await using var scheduler = await TinySchedulerServer.StartAsync(new SchedulerServerOptions
        {
            Address = new IPEndPoint(IPAddress.Loopback, 0),
            DataDirectory = _data.Combine("scheduler"),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            Seed = TestSeed.Value,
        });
        using var connection = await SchedulerConnection.ConnectAsync([scheduler.Url], TimeSpan.FromSeconds(10));
        (await connection.BootstrapAsync(new Store { Id = 1, Address = "127.0.0.1:20161" })).Should().Be(ErrorType.Ok);
        using var loop = new RealTimeLoop("store-1", NullLogger.Instance);
        await using var client = new GrpcSchedulerClient(connection, loop, NullLogger.Instance);
        var before = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        client.StoreHeartbeat(new StoreStats { StoreId = 1, RegionCount = 1 });
        var first = await ReportedAsync(connection, regionCount: 1);
        client.StoreHeartbeat(new StoreStats { StoreId = 1, RegionCount = 2 });
        var second = await ReportedAsync(connection, regionCount: 2);
        var after = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        first.Interval.EndTimestamp.Should().BeInRange(before, after);
        first.Interval.StartTimestamp.Should().Be(first.Interval.EndTimestamp, "the first heartbeat has no earlier one");
        second.Interval.StartTimestamp.Should().Be(first.Interval.EndTimestamp);
        second.Interval.EndTimestamp.Should().BeInRange(first.Interval.EndTimestamp, after);
    }

    /// <summary>Store 1's statistics once the scheduler has recorded a heartbeat with <paramref name="regionCount"/> regions (bounded wait).</summary>
    private static async Task<StoreStats> ReportedAsync(SchedulerConnection connection, uint regionCount)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var response = await connection.CallAsync((c, h, o) => c.GetStoreAsync(new GetStoreRequest { Header = h, StoreId = 1 }, o).ResponseAsync);
            if (response.Stats is { StoreId: 1 } stats && stats.RegionCount == regionCount)
            {
                return stats;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the scheduler did not record a store heartbeat with {regionCount} regions within 10 s");
            }

            await Task.Delay(10);
        }
    }
}
