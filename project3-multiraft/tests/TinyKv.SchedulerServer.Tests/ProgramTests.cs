using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FluentAssertions;
using Grpc.Net.Client;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>The real <c>tinyscheduler-server</c> program as a child process: it serves, and stops cleanly on a signal.</summary>
public sealed partial class ProgramTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_program_prints_its_address_serves_and_stops_with_exit_code_0_on_a_signal()
    {
        using var data = new TempDirectory("tinyscheduler-program");
        using var process = Start("--addr", "127.0.0.1:0", "--data-dir", data.Combine("data"), "--log-level", "warn");
        var lines = new List<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var url = await listening.Task.WaitAsync(s_limit);
        using (var channel = GrpcChannel.ForAddress(url))
        {
            var client = new Proto.Schedulerpb.Scheduler.SchedulerClient(channel);
            var members = await client.GetMembersAsync(new GetMembersRequest());
            var bootstrapped = await client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = new RequestHeader { ClusterId = members.Header.ClusterId } });
            bootstrapped.Bootstrapped.Should().BeFalse();
        }

        Signal(process.Id);
        await process.WaitForExitAsync().WaitAsync(s_limit);
        process.WaitForExit(); // The process has exited; this waits for the output events to drain.

        process.ExitCode.Should().Be(0);
        Output().Should().Contain("tinyscheduler-server stopped");

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

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }

        string Output()
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    [Fact]
    public async Task A_bad_address_is_refused_with_exit_code_2()
    {
        using var process = Start("--addr", "nowhere");
        var error = process.StandardError.ReadToEndAsync();

        await process.WaitForExitAsync().WaitAsync(s_limit);

        process.ExitCode.Should().Be(2);
        (await error).Should().Contain("not host:port");
    }

    private static Process Start(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tinyscheduler-server.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>
    /// Sends SIGINT, what Ctrl-C sends, or SIGTERM (handled the same way) when this process
    /// ignores SIGINT: a child inherits an ignored SIGINT, as under a shell without job control.
    /// </summary>
    private static void Signal(int processId)
    {
        var ignoresSigInt = File.Exists("/proc/self/status")
            && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
            && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 1)) != 0;
        using var kill = Process.Start("kill", [ignoresSigInt ? "-TERM" : "-INT", processId.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    [GeneratedRegex(@"listening on (?<url>http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
