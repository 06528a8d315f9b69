using System.Net;
using Grpc.Net.Client;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>An in-process tinyscheduler-server on a free loopback port over a temporary data directory, and a client for it.</summary>
public sealed class SchedulerFixture : IAsyncDisposable
{
    private GrpcChannel? _channel;

    private SchedulerFixture(TempDirectory data, TinySchedulerServer server, Func<SchedulerServerOptions, SchedulerServerOptions> configure)
    {
        Data = data;
        Server = server;
        Configure = configure;
        Connect();
    }

    public TempDirectory Data { get; }

    public TinySchedulerServer Server { get; private set; }

    public SchedulerClient Client { get; private set; } = null!;

    /// <summary>The header every request of this cluster carries.</summary>
    public RequestHeader Header => new() { ClusterId = Server.ClusterId };

    private Func<SchedulerServerOptions, SchedulerServerOptions> Configure { get; }

    public static async Task<SchedulerFixture> StartAsync(Func<SchedulerServerOptions, SchedulerServerOptions>? configure = null)
    {
        configure ??= o => o;
        var data = new TempDirectory("tinyscheduler-server");
        var server = await TinySchedulerServer.StartAsync(configure(Options(data)));
        return new SchedulerFixture(data, server, configure);
    }

    /// <summary>Starts a server and bootstraps its cluster with store 1.</summary>
    public static async Task<SchedulerFixture> StartBootstrappedAsync(Func<SchedulerServerOptions, SchedulerServerOptions>? configure = null)
    {
        var fixture = await StartAsync(configure);
        var response = await fixture.Client.BootstrapAsync(new BootstrapRequest { Header = fixture.Header, Store = Store(1) });
        if (response.Header.Error is { } error)
        {
            throw new InvalidOperationException($"bootstrap failed: {error}");
        }

        return fixture;
    }

    public static SchedulerServerOptions Options(TempDirectory data) => new()
    {
        Address = new IPEndPoint(IPAddress.Loopback, 0),
        DataDirectory = data.Combine("data"),
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        Seed = TestSeed.Value,
    };

    public static Store Store(ulong id) => new() { Id = id, Address = $"127.0.0.1:{20160 + id}" };

    /// <summary>Stops the server and starts a new one over the same data directory.</summary>
    public async Task RestartAsync()
    {
        _channel?.Dispose();
        await Server.DisposeAsync();
        Server = await TinySchedulerServer.StartAsync(Configure(Options(Data)));
        Connect();
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        await Server.DisposeAsync();
        Data.Dispose();
    }

    private void Connect()
    {
        _channel = GrpcChannel.ForAddress(Server.Url);
        Client = new SchedulerClient(_channel);
    }
}
