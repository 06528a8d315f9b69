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

namespace TinyKv.Bench.Tests;

/// <summary>
/// An in-process gRPC server whose RawPut answers what the test says (a follower's NotLeader,
/// a leader's success) and counts the puts it received.
/// </summary>
public sealed class FakeStore : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeService _service;

    private FakeStore(WebApplication app, FakeService service, int port)
    {
        _app = app;
        _service = service;
        Address = $"127.0.0.1:{port}";
    }

    /// <summary>host:port.</summary>
    public string Address { get; }

    /// <summary>RawPut requests received so far.</summary>
    public int Puts => _service.Puts;

    public static async Task<FakeStore> StartAsync(Func<RawPutResponse> answer)
    {
        var service = new FakeService(answer);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<FakeService>();
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new FakeStore(app, service, url.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class FakeService(Func<RawPutResponse> answer) : TinyKvBase
    {
        private int _puts;

        public int Puts => Volatile.Read(ref _puts);

        public override Task<RawPutResponse> RawPut(RawPutRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _puts);
            return Task.FromResult(answer());
        }
    }
}
