using Grpc.Net.Client;

namespace TinyKv.Bench.Targets;

/// <summary>
/// The gRPC channels of a run: <c>connections</c> channels to each endpoint (HTTP/2 without
/// TLS). Clients share them round-robin: client <c>i</c> uses channel <c>i mod connections</c>
/// of whichever endpoint it sends to.
/// </summary>
public sealed class ChannelPool : IDisposable
{
    private readonly GrpcChannel[][] _channels;

    public ChannelPool(EndpointList endpoints, int connections)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        Connections = connections;
        _channels = [.. endpoints.All.Select(endpoint => Enumerable.Range(0, connections).Select(_ => Open(endpoint.Url)).ToArray())];
    }

    /// <summary>Channels per endpoint.</summary>
    public int Connections { get; }

    /// <summary>The channel client <paramref name="clientIndex"/> uses to reach endpoint <paramref name="endpointIndex"/>.</summary>
    public GrpcChannel For(int endpointIndex, int clientIndex) => _channels[endpointIndex][clientIndex % Connections];

    public void Dispose()
    {
        foreach (var channel in _channels.SelectMany(c => c))
        {
            channel.Dispose();
        }
    }

    private static GrpcChannel Open(Uri url) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // Past a server's stream limit (Kestrel: 100 per connection) open a second
            // connection rather than queue requests in the client.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        },
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    });
}
