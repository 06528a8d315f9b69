using System.Diagnostics;
using FluentAssertions;
using Google.Protobuf;
using TinyKv.Client.Regions;
using TinyKv.Cluster;
using TinyKv.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace TinyKv.Server.Tests;

/// <summary>
/// The <c>tinykv-cluster</c> program as a user runs it: <c>up --stores 3</c> starts a real
/// <c>tinyscheduler-server</c> and three <c>tinykv-server</c> processes (the programs next to these
/// tests, through <c>--bin</c>), then <c>status</c>, <c>isolate 2</c>, <c>heal 2</c>, <c>kill 2</c>,
/// <c>restart 2</c> and <c>down</c>.
/// Every command is bounded in time; every pid the state file ever named is killed at the end,
/// whatever happened.
/// </summary>
public sealed class ClusterProcessTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan s_commandLimit = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _folder = new("tinykv-cluster");
    private readonly HashSet<int> _pids = [];

    private string Directory => _folder.Combine("cluster");

    public void Dispose()
    {
        foreach (var pid in _pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(5_000);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Up_status_isolate_heal_kill_restart_and_down_run_a_real_three_store_cluster()
    {
        var up = Run("up", "--stores", "3", "--timeout", "90");
        up.Exit.Should().Be(0, up.Error);
        var state = State();
        state.Stores.Should().HaveCount(3);
        state.Processes.Should().OnlyContain(p => p.Pid != null && Alive(p), "up leaves every process running after it exits");
        state.Stores.Should().OnlyContain(p => p.StoreId > 0, "up waited until the scheduler listed each store");
        up.Output.Should().Contain("the cluster serves");

        var status = Run("status");
        status.Exit.Should().Be(0, status.Error);
        Rows(status.Output).Where(r => r[0].StartsWith("store-", StringComparison.Ordinal))
            .Should().HaveCount(3).And.OnlyContain(r => r[2] == "running" && r[5] == "Up");

        var isolate = Run("isolate", "2");
        isolate.Exit.Should().Be(0, isolate.Error);
        isolate.Output.Should().StartWith("isolated store-2 (pid ");
        Alive(State().Find("2", Directory)).Should().BeTrue("isolating a store leaves its process running");
        await PutAndGetAsync(state, "while", "store-2 is isolated");
        var heal = Run("heal", "2");
        heal.Exit.Should().Be(0, heal.Error);
        heal.Output.Should().StartWith("healed store-2 (pid ");
        Run("heal", "2").Output.Should().StartWith("store-2 was not isolated");

        await PutAndGetAsync(state, "before", "the kill");

        var kill = Run("kill", "2");
        kill.Exit.Should().Be(0, kill.Error);
        var killed = State().Find("2", Directory);
        Alive(killed).Should().BeFalse("kill sends SIGKILL and waits for the process to go");
        Rows(Run("status").Output).Single(r => r[0] == "store-2")[2].Should().Be("dead");

        var restart = Run("restart", "2", "--timeout", "90");
        restart.Exit.Should().Be(0, restart.Error);
        var restarted = State().Find("store-2", Directory);
        restarted.Pid.Should().NotBe(killed.Pid);
        Alive(restarted).Should().BeTrue();
        Rows(Run("status").Output).Single(r => r[0] == "store-2")[2].Should().Be("running");
        (await GetAsync(state, "before")).Should().Be("the kill", "a write acknowledged before the kill survives it");
        await PutAndGetAsync(state, "after", "the restart");

        var down = Run("down");
        down.Exit.Should().Be(0, down.Error);
        var after = State();
        after.Processes.Should().OnlyContain(p => p.Pid == null, "down records every process as stopped");
        _pids.Should().OnlyContain(pid => !DetachedProcess.IsAlive(pid, _folder.Path), "down leaves no process of the cluster alive");
    }

    private static async Task PutAndGetAsync(ClusterState state, string key, string value)
    {
        using var client = RawKvClient.Connect(new Uri("http://" + state.SchedulerAddresses), new RegionClientOptions { MaxAttempts = 40 });
        await client.PutAsync(ByteString.CopyFromUtf8(key), ByteString.CopyFromUtf8(value)).WaitAsync(TimeSpan.FromSeconds(60));
        (await client.GetAsync(ByteString.CopyFromUtf8(key)).WaitAsync(TimeSpan.FromSeconds(60)))?.ToStringUtf8().Should().Be(value);
    }

    private static async Task<string?> GetAsync(ClusterState state, string key)
    {
        using var client = RawKvClient.Connect(new Uri("http://" + state.SchedulerAddresses), new RegionClientOptions { MaxAttempts = 40 });
        return (await client.GetAsync(ByteString.CopyFromUtf8(key)).WaitAsync(TimeSpan.FromSeconds(60)))?.ToStringUtf8();
    }

    private static bool Alive(ClusterProcess process) => process.Pid is { } pid && DetachedProcess.IsAlive(pid, process.DataDirectory);

    /// <summary>The state file, remembering every pid in it for the clean-up.</summary>
    private ClusterState State()
    {
        var state = ClusterState.Load(Directory) ?? throw new InvalidOperationException("no state file");
        foreach (var pid in state.Processes.Select(p => p.Pid).OfType<int>())
        {
            _pids.Add(pid);
        }

        return state;
    }

    /// <summary>Runs <c>tinykv-cluster</c> (output redirected) on the test's folder with the servers next to the tests; bounded in time.</summary>
    private (int Exit, string Output, string Error) Run(params string[] arguments)
    {
        var info = ProgramProcess.StartInfo("tinykv-cluster", ["--dir", Directory, "--bin", AppContext.BaseDirectory, .. arguments]);
        info.RedirectStandardInput = false;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_commandLimit))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        var result = (process.ExitCode, output.Result, error.Result);
        log.WriteLine($"$ tinykv-cluster {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.Item2}{result.Item3}");
        if (File.Exists(ClusterState.PathIn(Directory)))
        {
            _ = State(); // Remember the pids now, so the clean-up finds them even if a later step throws.
        }

        return result;
    }

    /// <summary>The rows of the Markdown tables in <paramref name="markdown"/>, cells trimmed, header and rule lines left out.</summary>
    private static List<string[]> Rows(string markdown) =>
        [.. markdown.Split('\n')
            .Where(line => line.StartsWith('|'))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => !cells.All(cell => cell.Length > 0 && cell.All(c => c is '-' or ':')))];
}
