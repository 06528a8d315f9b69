using System.Net;
using System.Net.Sockets;

namespace TinyKv;

/// <summary>Free TCP ports on 127.0.0.1, for servers that must be told their port before they start.</summary>
public static class FreePorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports that were free a moment ago: each listener on port
    /// 0 is held until all are taken, so the system hands out distinct ones.
    /// </summary>
    public static int[] Take(int count)
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
