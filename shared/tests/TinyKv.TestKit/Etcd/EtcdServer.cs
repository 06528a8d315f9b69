using System.Diagnostics;

namespace TinyKv.TestKit.Etcd;

/// <summary>
/// A one-member etcd for a test: Debian's <c>/usr/bin/etcd</c> (package <c>etcd-server</c>) on
/// free 127.0.0.1 ports over a fresh data directory, ready once it reports healthy. Disposing
/// kills it by its process id.
/// </summary>
public sealed class EtcdServer : IDisposable
{
    /// <summary>Set to 1 (as CI does) to make the etcd tests fail, not skip, when etcd is missing.</summary>
    public const string RequireVariable = "TINYKV_REQUIRE_ETCD";

    /// <summary>Names another etcd binary to use (a path); a path that does not exist counts as etcd missing.</summary>
    public const string BinaryVariable = "TINYKV_ETCD_BINARY";

    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly List<string> _output = [];

    private EtcdServer(Process process, int clientPort)
    {
        _process = process;
        Endpoint = $"http://127.0.0.1:{clientPort}";
    }

    /// <summary>The client URL, as <c>--etcd</c> takes it.</summary>
    public string Endpoint { get; }

    /// <summary>The etcd binary: <c>TINYKV_ETCD_BINARY</c> if set, else <c>/usr/bin/etcd</c>, else <c>etcd</c> on the PATH; null if there is none.</summary>
    public static string? Binary { get; } = FindBinary();

    /// <summary>Why the etcd tests are skipped here, or null when they run (etcd found, or required).</summary>
    public static string? SkipReason =>
        Binary is null && Environment.GetEnvironmentVariable(RequireVariable) != "1"
            ? $"etcd is not installed (install Debian's etcd-server for /usr/bin/etcd); set {RequireVariable}=1 to fail instead of skipping"
            : null;

    /// <summary>What the process printed so far.</summary>
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

    /// <summary>Starts etcd with its data in <paramref name="dataDirectory"/> and waits (bounded) until it is healthy.</summary>
    /// <exception cref="InvalidOperationException">etcd is missing (the message says how to install it), exited, or did not become healthy in time.</exception>
    public static async Task<EtcdServer> StartAsync(string dataDirectory)
    {
        var binary = Binary ?? throw new InvalidOperationException(
            $"the etcd tests need etcd ({RequireVariable}=1 is set), but there is no etcd binary ({BinaryVariable}, /usr/bin/etcd, PATH): install Debian's etcd-server (apt-get install -y etcd-server)");
        var ports = TinyKv.FreePorts.Take(2);
        var (client, peer) = ($"http://127.0.0.1:{ports[0]}", $"http://127.0.0.1:{ports[1]}");
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[
            "--name", "tinykv-test",
            "--data-dir", dataDirectory,
            "--listen-client-urls", client,
            "--advertise-client-urls", client,
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"tinykv-test={peer}",
            "--initial-cluster-state", "new",
            "--logger", "zap",
            "--log-level", "warn",
        ])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start");
        var server = new EtcdServer(process, ports[0]);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills etcd by its process id if it still runs.</summary>
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

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var limit = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with code {_process.ExitCode} before it was healthy: {Output}");
            }

            try
            {
                var health = await http.GetStringAsync(new Uri(Endpoint + "/health"));
                if (health.Contains("true", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not serving yet.
            }

            if (limit.Elapsed > s_startLimit)
            {
                throw new InvalidOperationException($"etcd was not healthy within {s_startLimit.TotalSeconds} s: {Output}");
            }

            await Task.Delay(100);
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private static string? FindBinary()
    {
        if (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } chosen)
        {
            return File.Exists(chosen) ? chosen : null;
        }

        if (File.Exists("/usr/bin/etcd"))
        {
            return "/usr/bin/etcd";
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "etcd"))
            .FirstOrDefault(File.Exists);
    }
}
