using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.TestKit.Etcd;

/// <summary>
/// The real <c>tinyscheduler-server</c> program as a child process on a free loopback port, with
/// a client for it. Every wait is bounded; disposing kills the process by its id if it still runs.
/// </summary>
public sealed partial class SchedulerProcess : IDisposable
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GrpcChannel? _channel;
    private Task _readers = Task.CompletedTask;

    private SchedulerProcess(Process process) => _process = process;

    /// <summary>The URL the server listens on.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>A client of this server.</summary>
    public SchedulerClient Client { get; private set; } = null!;

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

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

    /// <summary>Starts a server over <paramref name="dataDirectory"/> in the group of <paramref name="etcdEndpoint"/> and waits until it reports its address.</summary>
    public static Task<SchedulerProcess> StartAsync(string dataDirectory, string etcdEndpoint) =>
        StartAsync("--addr", "127.0.0.1:0", "--data-dir", dataDirectory, "--etcd", etcdEndpoint, "--log-level", "warn");

    /// <summary>Starts the program with <paramref name="arguments"/> and waits until it reports its address.</summary>
    /// <exception cref="InvalidOperationException">It exited first.</exception>
    /// <exception cref="TimeoutException">It did not report its address in time.</exception>
    public static async Task<SchedulerProcess> StartAsync(params string[] arguments)
    {
        var server = Run(arguments);
        var exited = server._process.WaitForExitAsync();
        var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(s_startLimit));
        if (first != server._listening.Task)
        {
            var why = first == exited ? $"exited with code {server._process.ExitCode}" : $"did not report its address within {s_startLimit.TotalSeconds} s";
            server.Dispose();
            throw first == exited
                ? new InvalidOperationException($"tinyscheduler-server {why}: {server.Output}")
                : new TimeoutException($"tinyscheduler-server {why}: {server.Output}");
        }

        server.Url = await server._listening.Task;
        server._channel = GrpcChannel.ForAddress(server.Url);
        server.Client = new SchedulerClient(server._channel);
        return server;
    }

    /// <summary>Starts the program with <paramref name="arguments"/> without waiting for anything.</summary>
    public static SchedulerProcess Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tinyscheduler-server.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new SchedulerProcess(process);

        // Our own readers rather than the Process events: a reader's task ends only after it has
        // recorded the last line before end of file, so once both have ended the output is all
        // there. The process's last line (an error before exiting) is what some tests read.
        server._readers = Task.WhenAll(server.ReadAllAsync(process.StandardOutput), server.ReadAllAsync(process.StandardError));
        return server;
    }

    /// <summary>Waits (bounded) for the process to exit and for everything it printed; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        await _process.WaitForExitAsync().WaitAsync(limit);
        await _readers.WaitAsync(limit);
        return _process.ExitCode;
    }

    private async Task ReadAllAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Record(line);
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Sends a signal by process id: STOP pauses the process, CONT resumes it.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        _channel?.Dispose();
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

    private void Record(string line)
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

    [GeneratedRegex(@"listening on (?<url>http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
