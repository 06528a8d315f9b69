using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace TinyKv.Cluster;

/// <summary>
/// Processes that outlive the command that started them: each runs in a session of its own
/// (no Ctrl-C of the terminal reaches it), reads nothing, and appends its output to its log file.
/// They are found again later by pid alone.
/// </summary>
/// <remarks>
/// A process starts as <c>setsid /bin/sh -c 'exec "$@" &gt;&gt;"$log" 2&gt;&amp;1 &lt;/dev/null' …</c>:
/// the program and its arguments reach the shell as positional parameters, never as text to parse,
/// so no argument needs quoting; <c>exec</c> replaces the shell, so the pid started is the
/// program's. Linux (and other systems with <c>/proc</c>) only.
/// </remarks>
public static partial class DetachedProcess
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const string Shell = "/bin/sh";
    private const string NewSession = "/usr/bin/setsid";

    /// <summary>The shell script: the log path is $1, the command the rest.</summary>
    private const string Script = """log=$1; shift; exec "$@" >>"$log" 2>&1 </dev/null""";

    /// <summary>How long a started process may take to become itself (to exec the shell) before <see cref="Start"/> returns anyway.</summary>
    private static readonly TimeSpan s_execLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Starts <paramref name="command"/> (program and arguments) in <paramref name="workingDirectory"/>
    /// with its output appended to <paramref name="logPath"/>, and returns its pid once its command
    /// line holds <paramref name="marker"/> (between fork and exec a child still shows its parent's),
    /// or once it has exited.
    /// </summary>
    /// <exception cref="ClusterException">The shell could not be started.</exception>
    public static int Start(IReadOnlyList<string> command, string logPath, string workingDirectory, string marker)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentOutOfRangeException.ThrowIfZero(command.Count);
        var detach = File.Exists(NewSession);
        var info = new ProcessStartInfo(detach ? NewSession : Shell)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (detach)
        {
            info.ArgumentList.Add(Shell);
        }

        foreach (var argument in (string[])["-c", Script, "tinykv-cluster", logPath, .. command])
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info) ?? throw new ClusterException($"cannot start {command[0]}");
            var watch = Stopwatch.StartNew();
            while (!IsAlive(process.Id, marker) && !process.HasExited && watch.Elapsed < s_execLimit)
            {
                Thread.Sleep(5);
            }

            return process.Id;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ClusterException($"cannot start {command[0]}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> runs (a zombie does not) and is still the one that was
    /// started: its command line contains <paramref name="marker"/> (a pid can be reused once the process is gone).
    /// </summary>
    public static bool IsAlive(int pid, string marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        try
        {
            return Exists(pid)
                && File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ').Contains(marker, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // Gone between the reads.
        }
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> exists and has not exited (a zombie has), whatever
    /// its command line: a child started a moment ago may still show its parent's until it execs.
    /// </summary>
    public static bool Exists(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat[(stat.LastIndexOf(')') + 1)..].TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Asks process <paramref name="pid"/> to stop (SIGTERM): the servers close their storage and exit.</summary>
    public static void Terminate(int pid) => Signal(pid, SigTerm);

    /// <summary>Kills process <paramref name="pid"/> at once (SIGKILL), as a crash would.</summary>
    public static void Kill(int pid) => Signal(pid, SigKill);

    /// <summary>Waits until <paramref name="pid"/> is no longer alive, at most <paramref name="limit"/>; true when it is gone.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, string marker, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        while (IsAlive(pid, marker))
        {
            if (watch.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static void Signal(int pid, int signal)
    {
        // ESRCH (already gone) is what the caller wanted anyway.
        _ = NativeKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
