using System.Diagnostics;
using System.Text;

namespace TinyKv.Course.Running;

/// <summary>The end of a child process: its exit code, everything it printed, and whether the watchdog killed it.</summary>
public sealed record ChildProcessResult(int ExitCode, string Output, bool KilledByWatchdog, TimeSpan Elapsed)
{
    /// <summary>Whether the caller stopped it (its cancellation token) before it ended on its own.</summary>
    public bool Stopped { get; init; }
}

/// <summary>
/// Runs a program to completion with its output captured line by line, under a watchdog that
/// kills the whole process tree when the time limit passes.
/// </summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell quoting).</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="limit">How long it may run before the watchdog kills it and its children.</param>
    /// <param name="onLine">Called with each line of stdout and stderr as it arrives (from another thread).</param>
    /// <param name="environment">Variables to set in the child's environment, over what it inherits (null: none).</param>
    /// <param name="stop">Kills the process and its children when cancelled (e.g. from <paramref name="onLine"/>); the result says it was stopped.</param>
    public static ChildProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan limit,
        Action<string>? onLine = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken stop = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDTERMINALLOGGER"] = "off";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        DataReceivedEventHandler handler = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            onLine?.Invoke(e.Data);
        };
        process.OutputDataReceived += handler;
        process.ErrorDataReceived += handler;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var killed = false;
        var stopped = false;
        using (stop.Register(() =>
        {
            if (!process.HasExited)
            {
                stopped = true;
                KillTree(process);
            }
        }))
        {
            if (!process.WaitForExit(limit))
            {
                killed = !stopped;
                KillTree(process);
            }

            process.WaitForExit();
        }

        lock (output)
        {
            return new ChildProcessResult(killed || stopped ? -1 : process.ExitCode, output.ToString(), killed, stopwatch.Elapsed) { Stopped = stopped };
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
    }
}
