using Grpc.Net.Client;
using SchedulerClient = TinyKv.Proto.Schedulerpb.Scheduler.SchedulerClient;

namespace TinyKv.TestKit.Etcd;

/// <summary>
/// The real <c>tinyscheduler-server</c> program as a child process on a free loopback port (a
/// <see cref="ProgramProcess"/>), with a client for it. Every wait is bounded; disposing kills the
/// process by its id if it still runs.
/// </summary>
public sealed class SchedulerProcess : IDisposable
{
    private const string Program = "tinyscheduler-server";
    private readonly ProgramProcess _process;
    private readonly GrpcChannel? _channel;

    private SchedulerProcess(ProgramProcess process, Uri? url)
    {
        _process = process;
        if (url is not null)
        {
            Url = url;
            _channel = GrpcChannel.ForAddress(url);
            Client = new SchedulerClient(_channel);
        }
    }

    /// <summary>The URL the server listens on.</summary>
    public Uri Url { get; } = null!;

    /// <summary>A client of this server.</summary>
    public SchedulerClient Client { get; } = null!;

    /// <summary>The process id.</summary>
    public int Pid => _process.Pid;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output => _process.Output;

    /// <summary>Starts a server over <paramref name="dataDirectory"/> in the group of <paramref name="etcdEndpoint"/> and waits until it reports its address.</summary>
    public static Task<SchedulerProcess> StartAsync(string dataDirectory, string etcdEndpoint) =>
        StartAsync("--addr", "127.0.0.1:0", "--data-dir", dataDirectory, "--etcd", etcdEndpoint, "--log-level", "warn");

    /// <summary>Starts the program with <paramref name="arguments"/> and waits until it reports its address.</summary>
    /// <exception cref="InvalidOperationException">It exited first.</exception>
    /// <exception cref="TimeoutException">It did not report its address in time.</exception>
    public static async Task<SchedulerProcess> StartAsync(params string[] arguments)
    {
        var (process, url) = await ProgramProcess.StartServerAsync(Program, arguments);
        return new SchedulerProcess(process, url);
    }

    /// <summary>Starts the program with <paramref name="arguments"/> without waiting for anything (no client: it may never listen).</summary>
    public static SchedulerProcess Run(params string[] arguments) => new(ProgramProcess.Run(Program, arguments), url: null);

    /// <summary>Waits (bounded) for the process to exit and for everything it printed; returns its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan limit) => _process.WaitForExitAsync(limit);

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Sends a signal by process id: STOP pauses the process, CONT resumes it.</summary>
    public void Signal(string signal) => _process.Signal(signal);

    public void Dispose()
    {
        _channel?.Dispose();
        _process.Dispose();
    }
}
