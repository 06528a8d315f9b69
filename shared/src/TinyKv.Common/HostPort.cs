using System.Net;

namespace TinyKv;

/// <summary>The host:port addresses the servers listen on and name each other by.</summary>
public static class HostPort
{
    /// <summary>
    /// Parses <paramref name="text"/> as host:port, the host an IP address (IPv6 in brackets or
    /// not) or "localhost"; <paramref name="example"/> goes into the error.
    /// </summary>
    /// <exception cref="FormatException">The text is not host:port with a port from 0 to 65535.</exception>
    public static IPEndPoint Parse(string text, string example)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"address '{text}' is not host:port, e.g. {example}");
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
