using System.Globalization;

namespace TinyKv.Bench.Measurement;

/// <summary>
/// What Linux says about one process at one moment: the CPU time it has used (user and system,
/// from <c>/proc/&lt;pid&gt;/stat</c>) and its peak resident memory (<c>VmHWM</c> from
/// <c>/proc/&lt;pid&gt;/status</c>).
/// </summary>
/// <param name="Pid">The process id.</param>
/// <param name="CpuMicros">utime + stime, in microseconds.</param>
/// <param name="PeakRssKib">VmHWM in KiB, or null when the status file has none.</param>
public sealed record ProcessSample(int Pid, long CpuMicros, long? PeakRssKib)
{
    /// <summary>
    /// The clock ticks per second /proc counts CPU time in (USER_HZ). The kernel fixes it at 100
    /// for user space on every architecture .NET runs on, whatever the kernel's own HZ.
    /// </summary>
    public const long ClockTicksPerSecond = 100;

    /// <summary>Reads the process's stat and status files; null when the process is gone or /proc is missing.</summary>
    public static ProcessSample? Read(int pid, string procRoot = "/proc")
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
            var statusPath = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status");
            var status = File.Exists(statusPath) ? File.ReadAllText(statusPath) : "";
            return new ProcessSample(pid, ParseCpuMicros(stat), ParsePeakRssKib(status));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// utime + stime from the text of <c>/proc/&lt;pid&gt;/stat</c>, in microseconds. The second
    /// field, the command name in parentheses, may hold spaces and parentheses itself, so the
    /// fields are counted from the last <c>)</c>: utime and stime are fields 14 and 15.
    /// </summary>
    /// <exception cref="FormatException">The text is not a stat line.</exception>
    public static long ParseCpuMicros(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("a /proc/<pid>/stat line has the command name in parentheses; this one has no ')'");
        }

        // After ")": field 3 (state) is the first.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int utimeField = 14, stimeField = 15, first = 3;
        if (fields.Length <= stimeField - first
            || !long.TryParse(fields[utimeField - first], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[stimeField - first], NumberStyles.None, CultureInfo.InvariantCulture, out var stime))
        {
            throw new FormatException("a /proc/<pid>/stat line has utime and stime as fields 14 and 15; this one does not");
        }

        return (utime + stime) * (1_000_000 / ClockTicksPerSecond);
    }

    /// <summary>VmHWM (peak resident set) from the text of <c>/proc/&lt;pid&gt;/status</c>, in KiB; null when absent.</summary>
    public static long? ParsePeakRssKib(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = line["VmHWM:".Length..].Trim();
            if (value.EndsWith("kB", StringComparison.Ordinal))
            {
                value = value[..^2].TrimEnd();
            }

            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : null;
        }

        return null;
    }
}
