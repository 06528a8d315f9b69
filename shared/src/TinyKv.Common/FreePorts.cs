using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TinyKv;

/// <summary>Free TCP ports on 127.0.0.1, for servers that must be told their port before they start.</summary>
/// <remarks>
/// A port chosen here is released before its server binds it, and in that gap any socket that
/// asks the system for a port may get it: a listener on port 0, and every outgoing connection,
/// whose local port comes from the same ephemeral range. With tests of several assemblies running
/// at once, each opening hundreds of client connections, that happened ("address already in use").
/// So the ports come from below the ephemeral range, which the system never hands out by itself:
/// only another caller of this class could pick the same one, at random from thousands, in the
/// same moment. Where no such range is known the system's own choice (port 0) is the fallback.
/// </remarks>
public static class FreePorts
{
    /// <summary>The lowest port chosen: above the well-known and most registered services' ports.</summary>
    public const int Lowest = 20000;

    /// <summary>Where Linux keeps its ephemeral port range ("low high").</summary>
    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>The first ephemeral port of the common defaults (Linux 32768–60999; IANA, Windows, macOS 49152–65535).</summary>
    private const int DefaultEphemeralLow = 32768;

    /// <summary>
    /// <paramref name="count"/> distinct ports that were free a moment ago, below the system's
    /// ephemeral range when there is room there; each is held until all are taken.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static int[] Take(int count) => Take(count, ReadEphemeralRange());

    /// <summary>
    /// <see cref="Take(int)"/> on a system whose ephemeral range is <paramref name="ephemeralRange"/>
    /// (as <see cref="EphemeralLow"/> reads it): below it when it leaves room for a hundred times
    /// <paramref name="count"/> ports above <see cref="Lowest"/>, else the system's choice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static int[] Take(int count, string? ephemeralRange)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var end = EphemeralLow(ephemeralRange);
        var size = end - Lowest;
        if (size < 100 * Math.Max(count, 1))
        {
            return Hold(count, Enumerable.Repeat(0, count), "from the system");
        }

        // In order from a random port, wrapping around: two callers rarely start at the same
        // place, and every port of the range is tried before giving up.
        var start = Random.Shared.Next(size);
        return Hold(count, Enumerable.Range(0, size).Select(i => Lowest + ((start + i) % size)), $"between {Lowest} and {end - 1}");
    }

    /// <summary>
    /// The first port of the ephemeral range given as Linux writes it (<c>"32768\t60999"</c>), or
    /// the common default when <paramref name="range"/> is null or unreadable.
    /// </summary>
    public static int EphemeralLow(string? range)
    {
        var first = range?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var low) && low is > 0 and <= 65535
            ? low
            : DefaultEphemeralLow;
    }

    private static string? ReadEphemeralRange()
    {
        try
        {
            return File.Exists(EphemeralRangeFile) ? File.ReadAllText(EphemeralRangeFile) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Binds 127.0.0.1 on each of <paramref name="candidates"/> in turn (0: any port the system
    /// picks) until <paramref name="count"/> are held, then releases them all and returns their
    /// ports: held together, they differ.
    /// </summary>
    private static int[] Hold(int count, IEnumerable<int> candidates, string where)
    {
        var listeners = new List<TcpListener>();
        try
        {
            foreach (var port in candidates.TakeWhile(_ => listeners.Count < count))
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose();
                }
            }

            return listeners.Count == count
                ? [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)]
                : throw new InvalidOperationException($"only {listeners.Count} of {count} ports are free on 127.0.0.1 {where}");
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }
}
