using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TinyKv.Proto.Kvrpcpb;
using TinyKvBase = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvBase;

namespace TinyKv.Bench;

/// <summary>
/// A gRPC server that does no work: the TinyKv service's RawPut and RawGet answer an empty
/// response at once (every other call is UNIMPLEMENTED). Hosted like tinykv-server (Kestrel,
/// HTTP/2 without TLS), it shows what the transport alone costs, beside a server that stores.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, IPEndPoint address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address the server listens on (the real port when 0 was asked for).</summary>
    public IPEndPoint Address { get; }

    /// <summary>The address as an http URL.</summary>
    public Uri Url => new($"http://{Address}");

    /// <summary>Starts serving on <paramref name="address"/> (port 0 picks a free one).</summary>
    public static async Task<EchoServer> StartAsync(IPEndPoint address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("the web host reports no bound addresses");
        var bound = new Uri(addresses.Addresses.First());
        return new EchoServer(app, new IPEndPoint(address.Address, bound.Port));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The service: empty answers, no storage.</summary>
    internal sealed class EchoService : TinyKvBase
    {
        private static readonly Task<RawPutResponse> s_put = Task.FromResult(new RawPutResponse());
        private static readonly Task<RawGetResponse> s_get = Task.FromResult(new RawGetResponse { NotFound = true });

        public override Task<RawPutResponse> RawPut(RawPutRequest request, ServerCallContext context) => s_put;

        public override Task<RawGetResponse> RawGet(RawGetRequest request, ServerCallContext context) => s_get;
    }
}
