using System.Globalization;

namespace TinyKv.TestKit;

/// <summary>
/// The signal that stops a child server as Ctrl-C would. A process started with SIGINT ignored (a
/// background job of a shell without job control, as some CI runners start their scripts) passes
/// that on to its children, and an ignored SIGINT stays ignored; SIGTERM, which the servers handle
/// the same way, still reaches them.
/// </summary>
public static class InterruptSignal
{
    /// <summary>"INT", or "TERM" when this process ignores SIGINT (the SigIgn mask in /proc/self/status).</summary>
    public static string Name { get; } = SigIntIgnored() ? "TERM" : "INT";

    private static bool SigIntIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return false;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
            && (mask & (1UL << 1)) != 0; // SIGINT is signal 2, bit 1.
    }
}
