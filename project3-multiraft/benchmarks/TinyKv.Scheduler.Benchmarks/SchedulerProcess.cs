using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TinyKv.Scheduler.Benchmarks;

/// <summary>
/// The real <c>tinyscheduler-server</c> (the <c>tinyscheduler-server.dll</c> built next to this
/// tool) run as a child process on a free loopback port over a fresh data directory. Disposing
/// kills it by its process id and deletes the directory.
/// </summary>
public sealed partial class SchedulerProcess : IDisposable
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly Queue<string> _lastLines = new();

    private SchedulerProcess(Process process, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
    }

    /// <summary>The address the server listens on.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The CPU time (user and system) the server has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The server's peak resident memory so far, in bytes (VmHWM on Linux).</summary>
    public long PeakResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>Starts the server and waits (at most 30 s) until it prints the address it listens on.</summary>
    /// <exception cref="InvalidOperationException">The server exited, or did not report its address in time.</exception>
    public static async Task<SchedulerProcess> StartAsync(IEnumerable<string> extraArguments, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tinyscheduler-server.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build this tool with its project reference to TinyKv.SchedulerServer");
        }

        var data = Path.Combine(Path.GetTempPath(), $"tinyscheduler-bench-{Environment.ProcessId}-{Path.GetRandomFileName()}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[dll, "--addr", "127.0.0.1:0", "--data-dir", data, "--log-level", "warn", .. extraArguments])
        {
            info.ArgumentList.Add(argument);
        }

        var server = new SchedulerProcess(new Process { StartInfo = info }, data);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        server._process.OutputDataReceived += (_, e) => server.Record(e.Data, listening);
        server._process.ErrorDataReceived += (_, e) => server.Record(e.Data, listening);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            var exited = server._process.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(listening.Task, exited).WaitAsync(s_startLimit, cancellationToken).ConfigureAwait(false);
            if (first != listening.Task)
            {
                throw new InvalidOperationException($"tinyscheduler-server exited before listening: {server.LastLines()}");
            }

            server.Url = await listening.Task.ConfigureAwait(false);
            return server;
        }
        catch (TimeoutException)
        {
            server.Dispose();
            throw new InvalidOperationException($"tinyscheduler-server did not report its address within {s_startLimit.TotalSeconds:0} s: {server.LastLines()}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills the server (by its process id) if it still runs, then deletes its data directory.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already gone, or a file still held for a moment: the temp folder's cleaner gets it.
        }
    }

    private void Record(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20)
            {
                _lastLines.Dequeue();
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    private string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join('\n', _lastLines);
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
