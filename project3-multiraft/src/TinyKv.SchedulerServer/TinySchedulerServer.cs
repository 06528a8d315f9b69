using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TinyKv.Runtime;
using TinyKv.Scheduler;
using TinyKv.SchedulerServer.Storage;

namespace TinyKv.SchedulerServer;

/// <summary>
/// A running tinyscheduler-server: the scheduler's state, opened over its RocksDB directory and
/// driven from one <see cref="RealTimeLoop"/>, and the gRPC service listening on HTTP/2 without
/// TLS. <see cref="DisposeAsync"/> stops serving, stops the loop, then closes the database.
/// </summary>
public sealed class TinySchedulerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RealTimeLoop _loop;
    private readonly SchedulerState _state;
    private readonly RocksDbSchedulerKv _kv;
    private readonly ILoggerFactory _loggers;
    private int _stopped;

    private TinySchedulerServer(WebApplication app, RealTimeLoop loop, SchedulerState state, RocksDbSchedulerKv kv, ILoggerFactory loggers, IPEndPoint address)
    {
        _app = app;
        _loop = loop;
        _state = state;
        _kv = kv;
        _loggers = loggers;
        Address = address;
    }

    /// <summary>The address the server listens on (the real port when 0 was asked for).</summary>
    public IPEndPoint Address { get; }

    /// <summary>The address as an http URL for gRPC clients.</summary>
    public Uri Url => new($"http://{Address}");

    /// <summary>The cluster id every request must carry.</summary>
    public ulong ClusterId => _state.ClusterId;

    /// <summary>Opens the state and starts serving.</summary>
    /// <exception cref="IOException">The data directory cannot be opened (e.g. another server holds it).</exception>
    public static async Task<TinySchedulerServer> StartAsync(SchedulerServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggers = TinyKvLogging.CreateFactory(options.LogLevel);
        RocksDbSchedulerKv? kv = null;
        RealTimeLoop? loop = null;
        try
        {
            kv = RocksDbSchedulerKv.Open(options.DatabaseDirectory);
            loop = new RealTimeLoop("scheduler", loggers.CreateLogger<RealTimeLoop>());
            var seed = options.Seed ?? Random.Shared.NextInt64();
            var schedule = new ScheduleOptions
            {
                MaxReplicas = options.MaxReplicas,
                MaxStoreDownTime = options.MaxStoreDownTime,
                PatrolRegionInterval = options.PatrolRegionInterval,
            };
            var openedKv = kv;
            var openedLoop = loop;
            var state = await loop.InvokeAsync(() => new SchedulerState(openedLoop, openedKv, new SystemClock(), schedule, seed, loggers)).ConfigureAwait(false);

            // No configuration files and no watcher: the host's default would watch the working
            // directory recursively, and a data directory below it turns every write into events.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ContentRootPath = AppContext.BaseDirectory,
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
            });
            TinyKvLogging.Configure(builder.Logging, options.LogLevel);
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(options.Address, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc(grpc => grpc.EnableDetailedErrors = false);
            builder.Services.AddSingleton(openedLoop);
            builder.Services.AddSingleton(state);
            builder.Services.AddSingleton(services =>
                new SchedulerMember("tinyscheduler", new Uri($"http://{BoundAddress(services, options.Address)}")));

            var app = builder.Build();
            app.MapGrpcService<SchedulerService>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = BoundAddress(app.Services, options.Address);
            app.Logger.LogServing(address, kv.Path, state.ClusterId, seed);
            return new TinySchedulerServer(app, loop, state, kv, loggers, address);
        }
        catch
        {
            loop?.Dispose();
            kv?.Dispose();
            loggers.Dispose();
            throw;
        }
    }

    /// <summary>Stops serving (letting calls in flight finish), stops the loop, then closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _loop.InvokeAsync(() =>
            {
                _state.Dispose();
                return true;
            }).ConfigureAwait(false);
        }
        finally
        {
            _loop.Dispose();
            _kv.Dispose();
            _loggers.Dispose();
        }
    }

    private static IPEndPoint BoundAddress(IServiceProvider services, IPEndPoint asked)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("the web host reports no bound addresses");
        return new IPEndPoint(asked.Address, new Uri(addresses.Addresses.First()).Port);
    }
}

internal static partial class SchedulerServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "TinyScheduler listening on {Address}, data in {DataDirectory}, cluster id {ClusterId}, random seed {Seed}")]
    public static partial void LogServing(this ILogger logger, IPEndPoint address, string dataDirectory, ulong clusterId, long seed);
}
