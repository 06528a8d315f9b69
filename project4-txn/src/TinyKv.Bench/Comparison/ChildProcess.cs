using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TinyKv.Bench.Comparison;

/// <summary>
/// A server program the comparison started: its process, the lines it printed (the last 200),
/// and, when it prints one, the address it reported listening on. <see cref="Dispose"/> kills
/// it by its process id (and any process it started) if it still runs.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What the process is, for messages: <c>etcd 2</c>, <c>tinykv store 1</c>.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/>, its output captured.
    /// Does not wait for it to serve: see <see cref="WaitListeningAsync"/>.
    /// </summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits until the process prints <c>listening on http://host:port</c> (as tinykv-server and
    /// the echo server do) and returns host:port.
    /// </summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="limit"/>.</exception>
    /// <exception cref="InvalidOperationException">The process ended first.</exception>
    public async Task<string> WaitListeningAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(limit, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == _listening.Task)
        {
            return await _listening.Task.ConfigureAwait(false);
        }

        if (first == exited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening: {Output}");
        }

        throw new TimeoutException($"{Name} did not report its address within {limit.TotalSeconds} s: {Output}");
    }

    /// <summary>Kills the process (and its children) by id if it still runs, and waits for it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
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

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match.Groups["address"].Value);
        }
    }

    [GeneratedRegex(@"listening on http://(?<address>[^\s;/]+)")]
    private static partial Regex ListeningLine();
}
