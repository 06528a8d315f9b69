using System.Diagnostics;
using FluentAssertions;
using TinyKv.Proto.Schedulerpb;
using TinyKv.TestKit;
using TinyKv.TestKit.Etcd;
using Xunit;

namespace TinyKv.SchedulerServer.Tests;

/// <summary>The real <c>tinyscheduler-server</c> program as a child process: it serves, and stops cleanly on a signal.</summary>
public sealed class ProgramTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_program_prints_its_address_serves_and_stops_with_exit_code_0_on_a_signal()
    {
        using var data = new TempDirectory("tinyscheduler-program");
        using var server = await SchedulerProcess.StartAsync("--addr", "127.0.0.1:0", "--data-dir", data.Combine("data"), "--log-level", "warn");

        var members = await server.Client.GetMembersAsync(new GetMembersRequest());
        var bootstrapped = await server.Client.IsBootstrappedAsync(new IsBootstrappedRequest { Header = new RequestHeader { ClusterId = members.Header.ClusterId } });
        bootstrapped.Bootstrapped.Should().BeFalse();

        server.Signal(InterruptSignal.Name);

        (await server.WaitForExitAsync(s_limit)).Should().Be(0);
        server.Output.Should().Contain("tinyscheduler-server stopped");
    }

    [Fact]
    public async Task A_bad_address_is_refused_with_exit_code_2()
    {
        using var process = Process.Start(ProgramProcess.StartInfo("tinyscheduler-server", "--addr", "nowhere"))!;
        var error = process.StandardError.ReadToEndAsync();

        await process.WaitForExitAsync().WaitAsync(s_limit);

        process.ExitCode.Should().Be(2);
        (await error).Should().Contain("not host:port");
    }
}
