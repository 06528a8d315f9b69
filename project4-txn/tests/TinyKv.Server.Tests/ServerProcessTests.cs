using System.Diagnostics;
using FluentAssertions;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// The shipped programs as a user runs them: <c>tinykv-server</c> in its own process,
/// driven by <c>tinykv-ctl</c> (raw commands and transaction scripts), stopped with Ctrl-C or killed, and started again.
/// </summary>
public sealed class ServerProcessTests : IDisposable
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new("tinykv-process");

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Ctl_writes_reads_scans_and_deletes_through_a_running_server()
    {
        using var server = ServerProcess.Start(_data.Combine("db"));

        Ctl(server, "put", "fruit/apple", "red").Should().Be((0, "OK"));
        Ctl(server, "put", "fruit/banana", "yellow").Should().Be((0, "OK"));
        Ctl(server, "get", "fruit/apple").Should().Be((0, "red"));
        Ctl(server, "scan", "--start", "fruit/", "--limit", "10").Should().Be((0, "fruit/apple\tred\nfruit/banana\tyellow"));
        Ctl(server, "delete", "fruit/apple").Should().Be((0, "OK"));
        Ctl(server, "get", "fruit/apple").Should().Be((0, "(not found)"));
    }

    [Fact]
    public void Ctl_reports_a_bad_column_family_and_exits_non_zero()
    {
        using var server = ServerProcess.Start(_data.Combine("db"));

        var (exit, _) = Ctl(server, "put", "--cf", "bogus", "k", "v");

        exit.Should().Be(1);
        Ctl(server, "put", "k", "v").Should().Be((0, "OK"));
    }

    [Fact]
    public void Ctrl_c_stops_the_server_cleanly_and_the_data_is_there_after_a_restart()
    {
        using (var server = ServerProcess.Start(_data.Combine("db")))
        {
            Ctl(server, "put", "--cf", "lock", "kept", "across restarts").Should().Be((0, "OK"));
            server.Interrupt(s_limit).Should().Be(0);
            server.Output.Should().Contain("stopped");
        }

        using var again = ServerProcess.Start(_data.Combine("db"));
        Ctl(again, "get", "--cf", "lock", "kept").Should().Be((0, "across restarts"));
    }

    [Fact]
    public void An_acknowledged_write_survives_a_killed_server()
    {
        using (var server = ServerProcess.Start(_data.Combine("db")))
        {
            Ctl(server, "put", "crash", "safe").Should().Be((0, "OK"));
            server.Kill();
        }

        using var again = ServerProcess.Start(_data.Combine("db"));
        Ctl(again, "get", "crash").Should().Be((0, "safe"));
    }

    [Fact]
    public void Ctl_txn_commits_a_two_key_transaction_and_reads_it_back()
    {
        using var server = ServerProcess.Start(_data.Combine("db"));

        var (exit, stdout) = Ctl(server, "txn", "set k1 v1; set k2 \"value two\"; commit; get k1; get k2");

        exit.Should().Be(0);
        var lines = stdout.Split('\n');
        lines.Should().HaveCount(3);
        lines[0].Should().MatchRegex(@"^committed at \d+ \(start \d+\)$");
        lines[1..].Should().Equal("k1 = v1", "k2 = value two");
        Ctl(server, "txn", "get k1\nget k2\nget k3").Should().Be((0, "k1 = v1\nk2 = value two\nk3 (not found)"));
    }

    [Fact]
    public void Ctl_txn_refuses_a_bad_script_before_running_it()
    {
        using var server = ServerProcess.Start(_data.Combine("db"));

        var (exit, stdout, stderr) = CtlWithErrors(server, "txn", "set k1 v1; frobnicate k1; commit");

        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("statement 2 (frobnicate k1): unknown command 'frobnicate'");
        Ctl(server, "txn", "get k1").Should().Be((0, "k1 (not found)"));
    }

    private static (int ExitCode, string Stdout) Ctl(ServerProcess server, params string[] arguments)
    {
        var (exit, stdout, _) = CtlWithErrors(server, arguments);
        return (exit, stdout);
    }

    internal static (int ExitCode, string Stdout, string Stderr) CtlWithErrors(ServerProcess server, params string[] arguments) =>
        RunCtl([.. arguments, "--addr", server.Address]);

    /// <summary>Runs tinykv-ctl with <paramref name="arguments"/>, its output redirected, bounded in time.</summary>
    internal static (int ExitCode, string Stdout, string Stderr) RunCtl(params string[] arguments)
    {
        using var ctl = new Process { StartInfo = ProgramProcess.StartInfo("tinykv-ctl", arguments) };
        ctl.Start();
        var stdout = ctl.StandardOutput.ReadToEndAsync();
        var stderr = ctl.StandardError.ReadToEndAsync();
        if (!ctl.WaitForExit(s_limit))
        {
            ctl.Kill(entireProcessTree: true);
            throw new TimeoutException($"tinykv-ctl {string.Join(' ', arguments)} did not finish within {s_limit}");
        }

        ctl.WaitForExit();
        return (ctl.ExitCode, stdout.Result.TrimEnd('\n'), stderr.Result.TrimEnd('\n'));
    }
}
