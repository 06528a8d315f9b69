using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TinyKv.RaftStore;
using TinyKv.Server.Faults;
using TinyKv.Server.Replication;
using TinyKv.Server.Scheduling;
using TinyKv.Standalone;
using TinyKv.Storage;
using TinyKv.Storage.RocksDb;
using TinyKv.Transaction;

namespace TinyKv.Server;

/// <summary>
/// A running TinyKV server: the storage, opened over its data directory, and the gRPC
/// service listening on HTTP/2 without TLS. The storage is standalone (one RocksDB engine) or,
/// with a store id and a cluster list, replicated with Raft across the cluster's servers.
/// <see cref="DisposeAsync"/> stops serving, then closes the storage, so every acknowledged
/// write is on disk when it returns.
/// </summary>
public sealed class TinyKvServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IStorage _storage;
    private readonly RaftEndpoint _raft;
    private readonly ILoggerFactory _loggers;
    private readonly SchedulerConnection? _scheduler;
    private int _stopped;

    private TinyKvServer(WebApplication app, IStorage storage, RaftEndpoint raft, ILoggerFactory loggers, IPEndPoint address, SchedulerConnection? scheduler)
    {
        _scheduler = scheduler;
        _app = app;
        _storage = storage;
        _raft = raft;
        _loggers = loggers;
        Address = address;
    }

    /// <summary>The address the server listens on (the real port when 0 was asked for).</summary>
    public IPEndPoint Address { get; }

    /// <summary>The store of a replicated server; null for a standalone one.</summary>
    public ReplicatedStore? Store => _raft.Store;

    /// <summary>The address as an http URL for gRPC clients.</summary>
    public Uri Url => new($"http://{Address}");

    /// <summary>Opens the storage and starts serving.</summary>
    /// <exception cref="IOException">The data directory cannot be opened (e.g. another server holds it, or it belongs to another store).</exception>
    public static async Task<TinyKvServer> StartAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggers = TinyKvLogging.CreateFactory(options.LogLevel);
        ReplicatedStore? store = null;
        SchedulerConnection? scheduler = null;
        IStorage? storage = null;
        RaftEndpoint? raft = null;
        var faults = new FaultInjection();
        try
        {
            if (options.IsReplicated)
            {
                var config = new RaftStoreConfig
                {
                    RaftBaseTickMicros = (long)options.RaftTick.TotalMicroseconds,
                    RaftLogGcTickMicros = (long)(options.RaftTick.TotalMicroseconds * 10),
                    SchedulerHeartbeatTickMicros = (long)(options.RaftTick.TotalMicroseconds * 10),
                    SplitRegionCheckTickMicros = (long)(options.RaftTick.TotalMicroseconds * 10),
                    StoreHeartbeatTickMicros = (long)(options.RaftTick.TotalMicroseconds * 10),
                    RaftLogGcCountLimit = options.RaftLogGcCountLimit,
                    SnapshotChunkBytes = options.SnapshotChunkBytes,
                    RegionMaxSize = options.RegionMaxSize,
                    RegionSplitSize = options.RegionSplitSize,
                    ReadIndexReads = true,
                };
                if (options.Schedulers is { } schedulerAddresses)
                {
                    scheduler = await SchedulerConnection.ConnectAsync(schedulerAddresses, options.SchedulerPatience, cancellationToken).ConfigureAwait(false);
                    store = await ReplicatedStore.StartWithSchedulerAsync(
                        scheduler, $"{options.Address}", options.DataDirectory, config, loggers, faults, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    store = await ReplicatedStore.StartAsync(options.StoreId!.Value, options.Cluster!, options.DataDirectory, config, loggers, faults).ConfigureAwait(false);
                }

                storage = new RaftStorage(store, options.ReplicationTimeout);
            }
            else
            {
                storage = new StandaloneStorage(RocksDbEngine.Open(options.DataDirectory));
            }

            raft = new RaftEndpoint(store, faults);
            storage.Start();
            // No configuration files and no watcher: the host's default would watch the working
            // directory recursively for appsettings changes, and a data directory below it turns
            // every RocksDB write into file-system events for that watcher to process.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ContentRootPath = AppContext.BaseDirectory,
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
            });
            TinyKvLogging.Configure(builder.Logging, options.LogLevel);
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(options.Address, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc(grpc =>
            {
                grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
                grpc.EnableDetailedErrors = false;
                grpc.Interceptors.Add<StatusDetailLimit>();
            });
            builder.Services.AddSingleton<IStorage>(storage);
            builder.Services.AddSingleton(raft);
            builder.Services.AddSingleton(faults);
            builder.Services.AddSingleton(new RawApi(storage));
            builder.Services.AddSingleton(new TransactionApi(storage)); // One per storage: its latches guard that storage's keys.

            var app = builder.Build();
            app.MapGrpcService<TinyKvService>();
            app.MapGrpcService<RaftBatchService>();
            if (options.FaultInjection)
            {
                app.MapGrpcService<DebugService>();
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
                ?? throw new InvalidOperationException("the web host reports no bound addresses");
            var bound = new Uri(addresses.Addresses.First());
            var address = new IPEndPoint(options.Address.Address, bound.Port);
            var role = scheduler is not null
                ? $"store {store!.StoreId} of cluster {scheduler.ClusterId}, scheduler {scheduler.Addresses}"
                : options.IsReplicated ? $"store {options.StoreId} of cluster {options.Cluster}" : "standalone";
            app.Logger.LogServing(address, options.DataDirectory, role);
            if (options.FaultInjection)
            {
                app.Logger.LogFaultInjection(raft.ServerName);
            }

            return new TinyKvServer(app, storage, raft, loggers, address, scheduler);
        }
        catch
        {
            storage?.Stop();
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            raft?.Dispose();
            scheduler?.Dispose();
            loggers.Dispose();
            throw;
        }
    }

    /// <summary>Stops serving (letting calls in flight finish), then closes the storage.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _raft.Stop();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _storage.Stop();
        _raft.Dispose();
        if (_raft.Store is { } store)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _scheduler?.Dispose();
        _loggers.Dispose();
    }
}

internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "TinyKV server listening on {Address}, data in {DataDirectory} ({Storage})")]
    public static partial void LogServing(this ILogger logger, IPEndPoint address, string dataDirectory, string storage);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Server} serves the Debug service (--fault-injection): tests and experiments may isolate it from the network")]
    public static partial void LogFaultInjection(this ILogger logger, string server);
}
