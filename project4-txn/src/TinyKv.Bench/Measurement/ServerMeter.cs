namespace TinyKv.Bench.Measurement;

/// <summary>What one server process used over the measured window.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="CpuMicros">CPU time (user + system) spent in the window, in microseconds; null when the process could not be read.</param>
/// <param name="PeakRssKib">The process's peak resident memory since it started (VmHWM), in KiB, read at the end; null when not known.</param>
public sealed record ServerUsage(int Pid, long? CpuMicros, long? PeakRssKib);

/// <summary>
/// Reads the server processes' CPU time when the measured window opens and when it closes;
/// the difference, divided by the operations counted in between, is the servers' CPU per operation.
/// </summary>
public sealed class ServerMeter
{
    private readonly IReadOnlyList<int> _pids;
    private readonly Func<int, ProcessSample?> _read;
    private Dictionary<int, ProcessSample?> _start = [];

    /// <summary>A meter over <paramref name="pids"/>; <paramref name="read"/> replaces /proc in tests.</summary>
    public ServerMeter(IReadOnlyList<int> pids, Func<int, ProcessSample?>? read = null)
    {
        ArgumentNullException.ThrowIfNull(pids);
        _pids = pids;
        _read = read ?? (pid => ProcessSample.Read(pid));
    }

    /// <summary>Takes the samples the window starts from.</summary>
    public void Start() => _start = _pids.Distinct().ToDictionary(pid => pid, _read);

    /// <summary>Reads every process again and returns what each used since <see cref="Start"/>.</summary>
    public IReadOnlyList<ServerUsage> Stop() =>
        [.. _start.Select(pair =>
        {
            var end = _read(pair.Key);
            var cpu = pair.Value is { } begin && end is not null ? end.CpuMicros - begin.CpuMicros : (long?)null;
            return new ServerUsage(pair.Key, cpu, end?.PeakRssKib ?? pair.Value?.PeakRssKib);
        })];

    /// <summary>Total server CPU microseconds per operation, or null with no servers, an unreadable one or no operations.</summary>
    public static double? CpuMicrosPerOperation(IReadOnlyList<ServerUsage> usage, long operations)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (usage.Count == 0 || operations <= 0 || usage.Any(u => u.CpuMicros is null))
        {
            return null;
        }

        return (double)usage.Sum(u => u.CpuMicros!.Value) / operations;
    }
}
