using TinyKv.TestKit;

namespace TinyKv.Server.Tests;

/// <summary>
/// The real <c>tinykv-server</c> (or <c>tinyscheduler-server</c>) program run as a child process
/// on a free loopback port: the test kit's <see cref="ProgramProcess"/> with the waits these
/// tests make without async. Every wait is bounded; disposing kills the process if it still runs.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly ProgramProcess _process;

    private ServerProcess(ProgramProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public string Address => $"{Url.Host}:{Url.Port}";

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output => _process.Output;

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
    /// <exception cref="InvalidOperationException">It exited before listening (the message has its exit code and output).</exception>
    /// <exception cref="TimeoutException">It did not report its address in time.</exception>
    public static ServerProcess StartProgram(string program, string dataDirectory, params string[] arguments)
    {
        var (process, url) = ProgramProcess.StartServerAsync(program, [.. arguments, "--data-dir", dataDirectory, "--log-level", "warn"])
            .GetAwaiter().GetResult();
        return new ServerProcess(process, url);
    }

    /// <summary>Sends what Ctrl-C sends (<see cref="InterruptSignal"/>) and waits for the process to exit; returns its exit code.</summary>
    public int Interrupt(TimeSpan limit)
    {
        _process.Signal(InterruptSignal.Name);
        try
        {
            return _process.WaitForExitAsync(limit).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            _process.Kill();
            throw new TimeoutException($"{_process.Name} did not stop within {limit} of SIG{InterruptSignal.Name}: {Output}");
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();
}
