using System.Net;
using Google.Protobuf;
using Grpc.Net.Client;
using TinyKv.TestKit;
using TinyKvClient = TinyKv.Proto.Tinykvpb.TinyKv.TinyKvClient;

namespace TinyKv.Server.Tests;

/// <summary>An in-process server on a free loopback port over a temporary data directory, and a client for it.</summary>
public sealed class ServerFixture : IAsyncDisposable
{
    private GrpcChannel? _channel;

    private ServerFixture(TempDirectory data, TinyKvServer server)
    {
        Data = data;
        Server = server;
        Connect();
    }

    public TempDirectory Data { get; }

    public TinyKvServer Server { get; private set; }

    public TinyKvClient Client { get; private set; } = null!;

    /// <summary>The channel <see cref="Client"/> uses, for clients of other services of the server.</summary>
    public GrpcChannel Channel => _channel!;

    public static async Task<ServerFixture> StartAsync()
    {
        var data = new TempDirectory("tinykv-server");
        var server = await TinyKvServer.StartAsync(Options(data));
        return new ServerFixture(data, server);
    }

    public static ServerOptions Options(TempDirectory data) =>
        new() { Address = new IPEndPoint(IPAddress.Loopback, 0), DataDirectory = data.Combine("db") };

    /// <summary>Stops the server and starts a new one over the same data directory.</summary>
    public async Task RestartAsync()
    {
        _channel?.Dispose();
        await Server.DisposeAsync();
        Server = await TinyKvServer.StartAsync(Options(Data));
        Connect();
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        await Server.DisposeAsync();
        Data.Dispose();
    }

    public static ByteString Text(string text) => ByteString.CopyFromUtf8(text);

    private void Connect()
    {
        _channel = GrpcChannel.ForAddress(Server.Url);
        Client = new TinyKvClient(_channel);
    }
}
