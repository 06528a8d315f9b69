using System.Diagnostics;
using System.Text.RegularExpressions;
using TinyKv.TestKit;

namespace TinyKv.Server.Tests;

/// <summary>
/// The real <c>tinykv-server</c> (or <c>tinyscheduler-server</c>) program run as a child process on a free loopback port.
/// Every wait is bounded; disposing kills the process if it still runs.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(30);
    private readonly string _name;
    private readonly Process _process;
    private readonly List<string> _output;

    private ServerProcess(string name, Process process, Uri url, List<string> output)
    {
        _name = name;
        _process = process;
        _output = output;
        Url = url;
    }

    public Uri Url { get; }

    public string Address => $"{Url.Host}:{Url.Port}";

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
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

    public static ServerProcess Start(string dataDirectory) => Start(dataDirectory, "--addr", "127.0.0.1:0");

    /// <summary>
    /// Starts tinykv-server over <paramref name="dataDirectory"/> with <paramref name="arguments"/>
    /// saying where it listens (<c>--addr</c>, or <c>--store-id</c> and <c>--cluster</c>), and waits
    /// until it reports its address.
    /// </summary>
    public static ServerProcess Start(string dataDirectory, params string[] arguments) => StartProgram("tinykv-server", dataDirectory, arguments);

    /// <summary>
    /// Starts tinyscheduler-server over <paramref name="dataDirectory"/> on a free loopback port,
    /// with <paramref name="arguments"/> added (e.g. <c>--patrol-interval-ms</c>), and waits until it reports its address.
    /// </summary>
    public static ServerProcess StartScheduler(string dataDirectory, params string[] arguments) =>
        StartProgram("tinyscheduler-server", dataDirectory, ["--addr", "127.0.0.1:0", .. arguments]);

    /// <summary>
    /// Starts <paramref name="program"/> (<c>tinykv-server</c> or <c>tinyscheduler-server</c>) over
    /// <paramref name="dataDirectory"/> with <paramref name="arguments"/>, and waits until it prints "listening on URL".
    /// </summary>
    public static ServerProcess StartProgram(string program, string dataDirectory, params string[] arguments)
    {
        var process = new Process { StartInfo = Program(program, [.. arguments, "--data-dir", dataDirectory, "--log-level", "warn"]) };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        // One list from the first line to the last: the readers never switch to another, so no
        // line printed around the "listening" one can fall between two lists.
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = Task.WhenAny(listening.Task, exited);
        if (!first.Wait(s_startLimit))
        {
            process.Kill(entireProcessTree: true);
            lock (lines)
            {
                throw new TimeoutException($"{program} did not report its address within {s_startLimit}: {string.Join('\n', lines)}");
            }
        }

        if (first.Result == exited && !listening.Task.IsCompleted)
        {
            process.WaitForExit(); // Drains the output readers.
            lock (lines)
            {
                throw new InvalidOperationException($"{program} exited with code {process.ExitCode} before listening: {string.Join('\n', lines)}");
            }
        }

        return new ServerProcess(program, process, listening.Task.Result, lines);

        void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }

            // A "cannot start" line is followed by the process's exit, which reports it with the exit code.
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }
    }

    /// <summary>Sends what Ctrl-C sends (<see cref="InterruptSignal"/>) and waits for the process to exit; returns its exit code.</summary>
    public int Interrupt(TimeSpan limit)
    {
        using (var kill = Process.Start("kill", ["-" + InterruptSignal.Name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        if (!_process.WaitForExit(limit))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_name} did not stop within {limit} of SIGINT: {Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>
    /// How to run one of the repository's programs copied next to this test assembly
    /// (<c>tinykv-server</c>, <c>tinyscheduler-server</c>, <c>tinykv-ctl</c>) through the dotnet host.
    /// </summary>
    public static ProcessStartInfo Program(string name, params string[] arguments)
    {
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

    [GeneratedRegex(@"listening on (?<url>http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
