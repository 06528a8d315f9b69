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
    private readonly Received _received;

    private RecordingStore(WebApplication app, Received received, int port)
    {
        _app = app;
        _received = received;
        Messages = received.Messages.Reader;
        Batches = received.Batches.Reader;
        Address = $"127.0.0.1:{port}";
    }

    /// <summary>Every message that arrived, in order, whichever stream carried it.</summary>
    public ChannelReader<RaftMessage> Messages { get; }

    /// <summary>The size of every batch that arrived on <c>RaftBatch</c>, in order; a message on <c>Raft</c> adds nothing here.</summary>
    public ChannelReader<int> Batches { get; }

    public string Address { get; }

    /// <summary>Starts serving on <paramref name="port"/> (a free one when 0).</summary>
    public static async Task<RecordingStore> StartAsync(bool servesBatches = true, int port = 0)
    {
        var received = new Received();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
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

    /// <summary>Ends the streams that are open, as a stopping server does, then stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        await _received.Stopping.CancelAsync();
        await _app.StopAsync();
        _received.Stopping.Dispose();
        await _app.DisposeAsync();
    }

    private sealed class Received
    {
        public Channel<RaftMessage> Messages { get; } = Channel.CreateUnbounded<RaftMessage>();

        public Channel<int> Batches { get; } = Channel.CreateUnbounded<int>();

        public CancellationTokenSource Stopping { get; } = new();

        /// <summary>Reads <paramref name="stream"/> until the sender hangs up or the store stops.</summary>
        public async Task<Done> ReadAsync<T>(IAsyncStreamReader<T> stream, ServerCallContext context, Func<T, Task> keep)
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, Stopping.Token);
            try
            {
                while (await stream.MoveNext(ended.Token))
                {
                    await keep(stream.Current);
                }
            }
            catch (OperationCanceledException) when (ended.IsCancellationRequested)
            {
            }

            return new Done();
        }
    }

    private sealed class RecordingService(Received received) : Proto.Tinykvpb.TinyKv.TinyKvBase
    {
        public override Task<Done> Raft(IAsyncStreamReader<RaftMessage> requestStream, ServerCallContext context) =>
            received.ReadAsync(requestStream, context, message => received.Messages.Writer.WriteAsync(message).AsTask());
    }

    private sealed class RecordingBatchService(Received received) : RaftBatch.RaftBatchBase
    {
        public override Task<Done> Messages(IAsyncStreamReader<RaftMessageBatch> requestStream, ServerCallContext context) =>
            received.ReadAsync(requestStream, context, async batch =>
            {
                await received.Batches.Writer.WriteAsync(batch.Messages.Count);
                foreach (var message in batch.Messages)
                {
                    await received.Messages.Writer.WriteAsync(message);
                }
            });
    }
}
