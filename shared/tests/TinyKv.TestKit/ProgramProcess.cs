using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyKv.TestKit;

/// <summary>
/// One of the repository's programs copied next to the test assembly (<c>tinykv-server</c>,
/// <c>tinyscheduler-server</c>, <c>tinykv-ctl</c>), run as a child process through the dotnet
/// host. Its output is read line by line by readers of its own, so once the process has exited
/// and they have ended, every line it printed is in <see cref="Output"/>. Every wait is bounded;
/// disposing kills the process by its id if it still runs.
/// </summary>
public sealed partial class ProgramProcess : IDisposable
{
    /// <summary>How long a server may take to report its address: generous for a loaded machine.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readers;

    private ProgramProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _readers = Task.WhenAll(ReadAllAsync(process.StandardOutput), ReadAllAsync(process.StandardError));
    }

    /// <summary>The program's name, as in its file name.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (stdout and stderr), one line each.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// How to run program <paramref name="name"/> with <paramref name="arguments"/> through the
    /// dotnet host, its standard streams redirected.
    /// </summary>
    /// <exception cref="FileNotFoundException">The program is not next to the tests (the test project does not reference it).</exception>
    public static ProcessStartInfo StartInfo(string name, params IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var dll = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{name}.dll is not next to the tests; is the project referenced?", dll);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Starts program <paramref name="name"/> with <paramref name="arguments"/> without waiting for anything.</summary>
    public static ProgramProcess Run(string name, params IEnumerable<string> arguments)
    {
        var process = Process.Start(StartInfo(name, arguments)) ?? throw new InvalidOperationException($"dotnet did not start {name}");
        return new ProgramProcess(name, process);
    }

    /// <summary>
    /// Starts server program <paramref name="name"/> with <paramref name="arguments"/> and waits
    /// until it prints "listening on URL"; returns the process and the URL. A server that exits or
    /// stays silent first is killed, and its output is in the exception.
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited before listening ("… exited with code N before listening: output").</exception>
    /// <exception cref="TimeoutException">It did not report its address within <see cref="StartLimit"/>.</exception>
    public static async Task<(ProgramProcess Process, Uri Url)> StartServerAsync(string name, params IEnumerable<string> arguments)
    {
        var server = Run(name, arguments);
        try
        {
            var exited = server._process.WaitForExitAsync();
            var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(StartLimit)).ConfigureAwait(false);
            if (server._listening.Task.IsCompleted)
            {
                return (server, await server._listening.Task.ConfigureAwait(false));
            }

            if (first == exited)
            {
                // The last lines (the "cannot start" one) may still be on their way to the readers.
                await server._readers.WaitAsync(StartLimit).ConfigureAwait(false);
                throw new InvalidOperationException($"{name} exited with code {server._process.ExitCode} before listening: {server.Output}");
            }

            throw new TimeoutException($"{name} did not report its address within {StartLimit.TotalSeconds} s: {server.Output}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Waits (bounded) for the process to exit and for everything it printed; returns its exit code.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="limit"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        await _process.WaitForExitAsync().WaitAsync(limit).ConfigureAwait(false);
        await _readers.WaitAsync(limit).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Sends a signal by process id: INT or TERM asks it to stop, STOP pauses it, CONT resumes it.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Signal("CONT"); // A paused process cannot die of SIGKILL until it runs again on some systems.
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }

        _process.Dispose();
    }

    private async Task ReadAllAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_output)
            {
                _output.Add(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
