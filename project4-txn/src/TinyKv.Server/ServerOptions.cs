using System.Net;
using Microsoft.Extensions.Logging;

namespace TinyKv.Server;

/// <summary>How a TinyKV server is started.</summary>
public sealed record ServerOptions
{
    /// <summary>The address clients connect to, e.g. 127.0.0.1:20160. Port 0 picks a free port.</summary>
    public IPEndPoint Address { get; init; } = new(IPAddress.Loopback, 20160);

    /// <summary>The RocksDB data directory; created when missing.</summary>
    public string DataDirectory { get; init; } = "tinykv-data";

    /// <summary>The least severe log level written.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The largest request the server accepts, as in the original server (10 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>
    /// Parses an address given as host:port. The host is an IP address or "localhost".
    /// </summary>
    /// <exception cref="FormatException">The text is not host:port with a port from 0 to 65535.</exception>
    public static IPEndPoint ParseAddress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"address '{text}' is not host:port, e.g. 127.0.0.1:20160");
        }

        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"address '{text}' has no valid port (0 to 65535)");
        }

        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new FormatException($"address '{text}' has no valid IP address (or localhost)");
    }
}
