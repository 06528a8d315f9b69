using System.Globalization;

namespace TinyKv.Cluster;

/// <summary>
/// Starts, watches and stops the processes of a cluster one by one: a process is started detached
/// with its log, and counts as serving once its log says where it listens (etcd: once it answers
/// its health check). Every wait is bounded.
/// </summary>
public static class ProcessSupervisor
{
    /// <summary>How long a process may take to stop after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether <paramref name="process"/> runs now (by its recorded pid).</summary>
    public static bool IsAlive(ClusterProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return process.Pid is { } pid && DetachedProcess.IsAlive(pid, process.DataDirectory);
    }

    /// <summary>Starts <paramref name="process"/> with its recorded command, data and log; returns it with its new pid and where its log stood before the start.</summary>
    public static (ClusterProcess Process, long LogOffset) Start(ClusterProcess process, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(process);
        Directory.CreateDirectory(process.DataDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(process.LogPath)!);
        File.AppendAllText(process.LogPath, string.Create(CultureInfo.InvariantCulture,
            $"--- tinykv-cluster starts {process.Name} at {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z: {string.Join(' ', process.Command)}\n"));
        var offset = LogTail.Length(process.LogPath);
        var pid = DetachedProcess.Start(process.Command, process.LogPath, workingDirectory, process.DataDirectory);
        return (process with { Pid = pid }, offset);
    }

    /// <summary>
    /// Waits until <paramref name="process"/> serves: its log (after <paramref name="logOffset"/>)
    /// says "listening on", or, for etcd, it answers its health check.
    /// </summary>
    /// <exception cref="ClusterException">It exited first, or did not serve in time; the message holds the end of its log.</exception>
    public static async Task WaitServingAsync(ClusterProcess process, long logOffset, Deadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(deadline);
        using var http = process.Role == ProcessRole.Etcd ? new HttpClient { Timeout = TimeSpan.FromSeconds(2) } : null;
        while (true)
        {
            if (process.Role != ProcessRole.Etcd
                ? LogTail.Since(process.LogPath, logOffset).Contains("listening on", StringComparison.Ordinal)
                : await EtcdHealthyAsync(http!, process.Address, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // A process whose command line is not yet its own (a loaded machine can take a while
            // from fork to exec) is still starting; only one that is gone has exited.
            if (!IsAlive(process) && !(process.Pid is { } pid && DetachedProcess.Exists(pid)))
            {
                throw new ClusterException($"{process.Name} exited before serving\n{LogTail.Of(process.LogPath)}");
            }

            if (deadline.Expired)
            {
                throw new ClusterException($"{process.Name} did not serve within {deadline}\n{LogTail.Of(process.LogPath)}");
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops <paramref name="processes"/> together: SIGTERM to each that runs, a bounded wait, then
    /// SIGKILL to any still running. Returns each with its pid cleared, and the names of those that had to be killed.
    /// </summary>
    public static async Task<(IReadOnlyList<ClusterProcess> Stopped, IReadOnlyList<string> Killed)> StopAsync(IReadOnlyList<ClusterProcess> processes, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processes);
        var running = processes.Where(IsAlive).ToList();
        foreach (var process in running)
        {
            DetachedProcess.Terminate(process.Pid!.Value);
        }

        var killed = new List<string>();
        foreach (var process in running)
        {
            if (!await DetachedProcess.WaitForExitAsync(process.Pid!.Value, process.DataDirectory, grace, cancellationToken).ConfigureAwait(false))
            {
                DetachedProcess.Kill(process.Pid!.Value);
                await DetachedProcess.WaitForExitAsync(process.Pid!.Value, process.DataDirectory, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                killed.Add(process.Name);
            }
        }

        return ([.. processes.Select(p => p with { Pid = null })], killed);
    }

    /// <summary>Kills <paramref name="process"/> at once (SIGKILL) and waits, bounded, until it is gone; false if it was not running.</summary>
    public static async Task<bool> KillAsync(ClusterProcess process, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!IsAlive(process))
        {
            return false;
        }

        DetachedProcess.Kill(process.Pid!.Value);
        if (!await DetachedProcess.WaitForExitAsync(process.Pid!.Value, process.DataDirectory, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
        {
            throw new ClusterException($"{process.Name} (pid {process.Pid}) still runs 10 s after SIGKILL");
        }

        return true;
    }

    private static async Task<bool> EtcdHealthyAsync(HttpClient http, string address, CancellationToken cancellationToken)
    {
        try
        {
            var body = await http.GetStringAsync(new Uri($"http://{address}/health"), cancellationToken).ConfigureAwait(false);
            return body.Contains("\"health\":\"true\"", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
