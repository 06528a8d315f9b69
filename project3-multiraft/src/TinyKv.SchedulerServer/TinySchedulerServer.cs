using System.Net;
using System.Runtime.CompilerServices;
using dotnet_etcd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TinyKv.Runtime;
using TinyKv.Scheduler;
using TinyKv.Scheduler.Storage;
using TinyKv.SchedulerServer.Etcd;
using TinyKv.SchedulerServer.Leadership;
using TinyKv.SchedulerServer.Storage;

namespace TinyKv.SchedulerServer;

/// <summary>
/// A running tinyscheduler-server: the scheduler's state driven from one <see cref="RealTimeLoop"/>,
/// and the gRPC service listening on HTTP/2 without TLS. Two ways to keep the metadata:
/// <list type="bullet">
/// <item>by default, in an embedded RocksDB database in the data directory; the server is its
/// group's only member and always leads (<see cref="SoloLeadership"/>);</item>
/// <item>with <see cref="SchedulerServerOptions.EtcdEndpoints"/>, in etcd, shared by every server
/// given the same etcd and prefix; one of them leads, elected through an etcd lease
/// (<see cref="EtcdLeadership"/>), the others answer "not leader" (see <see cref="SchedulerService"/>).</item>
/// </list>
/// <see cref="DisposeAsync"/> stops serving, gives up leadership (letting the leader's writes
/// reach etcd first), stops the loop, then closes the database or the etcd connection.
/// </summary>
public sealed class TinySchedulerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RealTimeLoop _loop;
    private readonly ILeadership _leadership;
    private readonly SchedulerMember _member;
    private readonly RocksDbSchedulerKv? _kv;
    private readonly EtcdClient? _etcd;
    private readonly ILoggerFactory _loggers;
    private int _stopped;

    private TinySchedulerServer(WebApplication app, RealTimeLoop loop, ILeadership leadership, SchedulerMember member, RocksDbSchedulerKv? kv, EtcdClient? etcd, ILoggerFactory loggers, IPEndPoint address)
    {
        _app = app;
        _loop = loop;
        _leadership = leadership;
        _member = member;
        _kv = kv;
        _etcd = etcd;
        _loggers = loggers;
        Address = address;
    }

    /// <summary>The address the server listens on (the real port when 0 was asked for).</summary>
    public IPEndPoint Address { get; }

    /// <summary>The address as an http URL for gRPC clients.</summary>
    public Uri Url => new($"http://{Address}");

    /// <summary>The cluster id every request must carry (0 while a group over etcd has had no leader yet).</summary>
    public ulong ClusterId => _leadership.ClusterId;

    /// <summary>This server's member id in its group.</summary>
    public ulong MemberId => _member.MemberId;

    /// <summary>Opens the state and starts serving.</summary>
    /// <exception cref="IOException">The data directory cannot be opened (e.g. another server holds it).</exception>
    /// <exception cref="EtcdUnavailableException">With etcd: etcd did not answer within <see cref="SchedulerServerOptions.EtcdDialTimeout"/>.</exception>
    public static async Task<TinySchedulerServer> StartAsync(SchedulerServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggers = TinyKvLogging.CreateFactory(options.LogLevel);
        RocksDbSchedulerKv? kv = null;
        RealTimeLoop? loop = null;
        EtcdClient? etcd = null;
        EtcdLeadership? etcdLeadership = null;
        WebApplication? app = null;
        try
        {
            loop = new RealTimeLoop("scheduler", loggers.CreateLogger<RealTimeLoop>());
            var seed = options.Seed ?? Random.Shared.NextInt64();
            var schedule = new ScheduleOptions
            {
                MaxReplicas = options.MaxReplicas,
                MaxStoreDownTime = options.MaxStoreDownTime,
                PatrolRegionInterval = options.PatrolRegionInterval,
            };
            var openedLoop = loop;
            SchedulerState CreateState(ISchedulerKv metadata) => new(openedLoop, metadata, new SystemClock(), schedule, seed, loggers);

            ILeadership leadership;
            LeaderTerm? soloTerm = null;
            if (options.UsesEtcd)
            {
                Directory.CreateDirectory(options.DataDirectory);
                etcd = new EtcdClient(string.Join(",", options.EtcdEndpoints.Select(e => e.ToString().TrimEnd('/'))));
                etcdLeadership = new EtcdLeadership(etcd, new EtcdKeys(options.EtcdPrefix), loop, CreateState, seed, options.LeaderLease, loggers);
                leadership = etcdLeadership;
            }
            else
            {
                kv = RocksDbSchedulerKv.Open(options.DatabaseDirectory);
                var openedKv = kv;
                var state = await loop.InvokeAsync(() => CreateState(openedKv)).ConfigureAwait(false);

                // Every RocksDB write is synced before it returns: a reply is durable at once.
                soloTerm = new LeaderTerm(state, () => Task.CompletedTask);
                leadership = null!; // Set below, once the address (the member) is known.
            }

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
            var member = new StrongBox<SchedulerMember>();
            var solo = soloTerm;
            builder.Services.AddSingleton<ILeadership>(_ => etcdLeadership ?? (ILeadership)new SoloLeadership(solo!, member.Value!));

            app = builder.Build();
            app.MapGrpcService<SchedulerService>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = BoundAddress(app.Services, options.Address);
            member.Value = new SchedulerMember(options.Name ?? DefaultName(options, address), new Uri($"http://{address}"));
            if (etcdLeadership is not null)
            {
                var endpoints = string.Join(",", options.EtcdEndpoints.Select(e => e.ToString().TrimEnd('/')));
                await etcdLeadership.StartAsync(member.Value, options.EtcdDialTimeout, endpoints, cancellationToken).ConfigureAwait(false);
                app.Logger.LogServingOverEtcd(address, endpoints, options.EtcdPrefix, member.Value.MemberId, etcdLeadership.ClusterId, seed);
            }
            else
            {
                app.Logger.LogServing(address, kv!.Path, soloTerm!.State.ClusterId, seed);
            }

            return new TinySchedulerServer(app, loop, app.Services.GetRequiredService<ILeadership>(), member.Value, kv, etcd, loggers, address);
        }
        catch
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }

            if (etcdLeadership is not null)
            {
                await etcdLeadership.DisposeAsync().ConfigureAwait(false);
            }

            loop?.Dispose();
            kv?.Dispose();
            etcd?.Dispose();
            loggers.Dispose();
            throw;
        }
    }

    /// <summary>Stops serving (letting calls in flight finish), gives up leadership, stops the loop, then closes the database or the etcd connection.</summary>
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
            if (_leadership is EtcdLeadership etcdLeadership)
            {
                await etcdLeadership.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await _loop.InvokeAsync(() =>
                {
                    if (_leadership.Term is { } term)
                    {
                        term.State.Dispose();
                        term.Dispose();
                    }

                    return true;
                }).ConfigureAwait(false);
            }
        }
        finally
        {
            _loop.Dispose();
            _kv?.Dispose();
            _etcd?.Dispose();
            _loggers.Dispose();
        }
    }

    /// <summary>The member name when none is given: the lone server is "tinyscheduler"; members of a group are told apart by port.</summary>
    private static string DefaultName(SchedulerServerOptions options, IPEndPoint address) =>
        options.UsesEtcd ? $"tinyscheduler-{address.Port}" : "tinyscheduler";

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

    [LoggerMessage(Level = LogLevel.Information, Message = "TinyScheduler listening on {Address}, metadata in etcd {Endpoints} under {Prefix}, member {MemberId}, cluster id {ClusterId}, random seed {Seed}")]
    public static partial void LogServingOverEtcd(this ILogger logger, IPEndPoint address, string endpoints, string prefix, ulong memberId, ulong clusterId, long seed);
}
