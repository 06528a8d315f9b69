using System.Net;
using System.Net.Sockets;

namespace TinyKv.Cluster;

/// <summary>Free TCP ports on 127.0.0.1, asked of the system all at once so that they differ.</summary>
public static class FreePorts
{
    /// <summary><paramref name="count"/> distinct ports that were free a moment ago.</summary>
    public static IReadOnlyList<int> Take(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
