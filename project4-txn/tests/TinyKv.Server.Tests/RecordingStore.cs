using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using TinyKv.Proto.Raftbatchpb;
using TinyKv.Proto.RaftServerpb;

namespace TinyKv.Server.Tests;

/// <summary>
/// A stand-in for another store: serves the <c>Raft</c> stream and, unless told not to (a
/// store of the original protocol), the <c>RaftBatch</c> stream, and records what arrives.
/// </summary>
internal sealed class RecordingStore : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingStore(WebApplication app, Received received, int port)
    {
        _app = app;
        Messages = received.Messages.Reader;
        Batches = received.Batches.Reader;
        Address = $"127.0.0.1:{port}";
    }

    /// <summary>Every message that arrived, in order, whichever stream carried it.</summary>
    public ChannelReader<RaftMessage> Messages { get; }

    /// <summary>The size of every batch that arrived on <c>RaftBatch</c>, in order; a message on <c>Raft</c> adds nothing here.</summary>
    public ChannelReader<int> Batches { get; }

    public string Address { get; }

    public static async Task<RecordingStore> StartAsync(bool servesBatches = true)
    {
        var received = new Received();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(received);
        var app = builder.Build();
        app.MapGrpcService<RecordingService>();
        if (servesBatches)
        {
            app.MapGrpcService<RecordingBatchService>();
        }

        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RecordingStore(app, received, bound.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Received
    {
        public Channel<RaftMessage> Messages { get; } = Channel.CreateUnbounded<RaftMessage>();

        public Channel<int> Batches { get; } = Channel.CreateUnbounded<int>();
    }

    private sealed class RecordingService(Received received) : Proto.Tinykvpb.TinyKv.TinyKvBase
    {
        public override async Task<Done> Raft(IAsyncStreamReader<RaftMessage> requestStream, ServerCallContext context)
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                await received.Messages.Writer.WriteAsync(requestStream.Current);
            }

            return new Done();
        }
    }

    private sealed class RecordingBatchService(Received received) : RaftBatch.RaftBatchBase
    {
        public override async Task<Done> Messages(IAsyncStreamReader<RaftMessageBatch> requestStream, ServerCallContext context)
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                await received.Batches.Writer.WriteAsync(requestStream.Current.Messages.Count);
                foreach (var message in requestStream.Current.Messages)
                {
                    await received.Messages.Writer.WriteAsync(message);
                }
            }

            return new Done();
        }
    }
}
