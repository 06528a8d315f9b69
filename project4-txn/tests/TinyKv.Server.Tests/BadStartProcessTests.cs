using FluentAssertions;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// A store process started wrongly against a scheduler: each mistake ends the process with one
/// clear "cannot start" line and a non-zero exit code, and loses nothing — the data directory
/// serves its own cluster again, and a store already running keeps serving. Every process is
/// killed by id at the end.
/// </summary>
public sealed class BadStartProcessTests : IDisposable
{
    private readonly TempDirectory _data = new("tinykv-bad-start");

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_store_of_another_cluster_exits_with_a_clear_error_and_its_data_still_serves_its_own()
    {
        var port = ReplicatedCluster.FreePorts(1)[0];
        using var first = ServerProcess.StartScheduler(_data.Combine("scheduler-a"));
        using (var store = StartStore(first, port))
        {
            ServerProcessTests.RunCtl("--scheduler", first.Address, "put", "kept", "in cluster a").ExitCode.Should().Be(0);
            store.Kill();
        }

        using var other = ServerProcess.StartScheduler(_data.Combine("scheduler-b"));

        var wrong = () => StartStore(other, port);

        wrong.Should().Throw<InvalidOperationException>().Which.Message.Should()
            .Contain("exited with code 1").And.Contain("cannot start").And.Contain("serves cluster");
        using var back = StartStore(first, port);
        ServerProcessTests.RunCtl("--scheduler", first.Address, "get", "kept").Should().Be((0, "in cluster a", string.Empty));
    }

    [Fact]
    public void A_second_store_over_a_running_stores_data_directory_exits_and_the_first_keeps_serving()
    {
        var ports = ReplicatedCluster.FreePorts(2);
        using var scheduler = ServerProcess.StartScheduler(_data.Combine("scheduler"));
        using var first = StartStore(scheduler, ports[0]);
        ServerProcessTests.RunCtl("--scheduler", scheduler.Address, "put", "k", "v").ExitCode.Should().Be(0);

        var second = () => StartStore(scheduler, ports[1]);

        second.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("exited with code 1").And.Contain("cannot start");
        ServerProcessTests.RunCtl("--scheduler", scheduler.Address, "put", "k", "still serving").ExitCode.Should().Be(0);
        ServerProcessTests.RunCtl("--scheduler", scheduler.Address, "get", "k").Should().Be((0, "still serving", string.Empty));
    }

    [Fact]
    public void A_store_whose_scheduler_does_not_answer_exits_with_a_clear_error()
    {
        var ports = ReplicatedCluster.FreePorts(2);
        var (silent, port) = (ports[0], ports[1]);

        var start = () => ServerProcess.Start(
            _data.Combine("store"), "--scheduler", $"127.0.0.1:{silent}", "--addr", $"127.0.0.1:{port}", "--scheduler-patience-ms", "1500");

        start.Should().Throw<InvalidOperationException>().Which.Message.Should()
            .Contain("exited with code 1").And.Contain("cannot start").And.Contain($"127.0.0.1:{silent}");
    }

    private ServerProcess StartStore(ServerProcess scheduler, int port) =>
        ServerProcess.Start(_data.Combine("store"), "--scheduler", scheduler.Address, "--addr", $"127.0.0.1:{port}", "--raft-tick-ms", "20");
}
