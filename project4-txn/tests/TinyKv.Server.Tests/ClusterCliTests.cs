using System.Diagnostics;
using FluentAssertions;
using TinyKv.Cluster;
using TinyKv.TestKit;
using Xunit;

namespace TinyKv.Server.Tests;

/// <summary>
/// <c>tinykv-cluster</c>'s arguments, state file, program search and one-line errors, run
/// in-process; nothing here starts a server.
/// </summary>
public sealed class ClusterCliTests : IDisposable
{
    private readonly TempDirectory _folder = new("tinykv-cluster-cli");

    private static readonly ProgramPath s_scheduler = new("tinyscheduler-server", "/opt/tinykv/tinyscheduler-server", [], "test");
    private static readonly ProgramPath s_store = new("tinykv-server", "dotnet", ["/opt/tinykv/tinykv-server.dll"], "test");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Plan_gives_each_process_a_folder_a_log_and_a_free_port_and_points_the_stores_at_the_scheduler()
    {
        var state = ClusterPlan.Lay("/c", new ClusterRequest(3, 1), s_scheduler, s_store, etcd: null, Ports(7001));

        state.Processes.Select(p => (p.Name, p.Role, p.Address, p.DataDirectory, p.LogPath)).Should().Equal(
            ("scheduler-1", ProcessRole.Scheduler, "127.0.0.1:7001", "/c/scheduler-1/data", "/c/scheduler-1/scheduler-1.log"),
            ("store-1", ProcessRole.Store, "127.0.0.1:7002", "/c/store-1/data", "/c/store-1/store-1.log"),
            ("store-2", ProcessRole.Store, "127.0.0.1:7003", "/c/store-2/data", "/c/store-2/store-2.log"),
            ("store-3", ProcessRole.Store, "127.0.0.1:7004", "/c/store-3/data", "/c/store-3/store-3.log"));
        state.Processes[0].Command.Should().Equal("/opt/tinykv/tinyscheduler-server", "--addr", "127.0.0.1:7001", "--data-dir", "/c/scheduler-1/data", "--log-level", "warn");
        state.Processes[2].Command.Should().Equal(
            "dotnet", "/opt/tinykv/tinykv-server.dll", "--scheduler", "127.0.0.1:7001", "--addr", "127.0.0.1:7003", "--data-dir", "/c/store-2/data", "--log-level", "warn",
            "--fault-injection");
        state.SchedulerAddresses.Should().Be("127.0.0.1:7001");
    }

    [Fact]
    public void Plan_with_three_schedulers_starts_etcd_first_and_gives_the_stores_every_scheduler()
    {
        var state = ClusterPlan.Lay("/c", new ClusterRequest(2, 3), s_scheduler, s_store, "/usr/bin/etcd", Ports(8001));

        state.Processes.Select(p => p.Name).Should().Equal("etcd-1", "scheduler-1", "scheduler-2", "scheduler-3", "store-1", "store-2");
        var etcd = state.Processes[0];
        etcd.Ports.Should().Equal(8001, 8002);
        etcd.Command.Should().StartWith(["/usr/bin/etcd", "--name", "etcd-1", "--data-dir", "/c/etcd-1/data"]);
        state.Processes.Where(p => p.Role == ProcessRole.Scheduler).Should().OnlyContain(p => p.Command.SkipWhile(a => a != "--etcd").Skip(1).First() == "http://127.0.0.1:8001");
        state.SchedulerAddresses.Should().Be("127.0.0.1:8003,127.0.0.1:8004,127.0.0.1:8005");
        state.Stores.Should().OnlyContain(p => p.Command.SkipWhile(a => a != "--scheduler").Skip(1).First() == state.SchedulerAddresses);
    }

    [Theory]
    [InlineData(0, 1, "--stores must be between 1 and 32, not 0")]
    [InlineData(33, 1, "--stores must be between 1 and 32, not 33")]
    [InlineData(3, 2, "--schedulers must be 1 or 3, not 2")]
    public async Task Up_refuses_a_store_or_scheduler_count_it_cannot_start(int stores, int schedulers, string message)
    {
        var (exit, _, error) = await RunAsync("up", "--stores", $"{stores}", "--schedulers", $"{schedulers}");

        exit.Should().Be(1);
        error.Should().Be($"error: {message}\n");
    }

    [Fact]
    public void State_file_round_trips_and_finds_a_store_by_number_or_name()
    {
        var state = ClusterPlan.Lay(_folder.Path, new ClusterRequest(3, 1), s_scheduler, s_store, null, Ports(9001));
        state = state.With(state.Stores[1] with { Pid = 4242, StoreId = 5 });
        state.Save(_folder.Path);

        var loaded = ClusterState.Load(_folder.Path)!;

        loaded.Processes.Should().BeEquivalentTo(state.Processes, o => o.WithStrictOrdering());
        loaded.Find("2", _folder.Path).Should().BeEquivalentTo(loaded.Find("store-2", _folder.Path));
        loaded.Find("2", _folder.Path).Pid.Should().Be(4242);
        loaded.Find("scheduler-1", _folder.Path).Role.Should().Be(ProcessRole.Scheduler);
        File.ReadAllText(ClusterState.PathIn(_folder.Path)).Should().Contain("\"role\": \"Store\"").And.Contain("\"storeId\": 5");
    }

    [Fact]
    public void State_file_of_a_later_format_or_not_json_is_refused_with_its_path()
    {
        File.WriteAllText(ClusterState.PathIn(_folder.Path), """{ "version": 99, "processes": [] }""");
        var later = () => ClusterState.Load(_folder.Path);
        later.Should().Throw<ClusterException>().WithMessage("*cluster.json was written by a newer tinykv-cluster (format 99; this one reads 1)");

        File.WriteAllText(ClusterState.PathIn(_folder.Path), "not json");
        var garbage = () => ClusterState.Load(_folder.Path);
        garbage.Should().Throw<ClusterException>().WithMessage("*cluster.json is not a cluster state file: *");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("down")]
    [InlineData("kill", "2")]
    [InlineData("restart", "2")]
    [InlineData("isolate", "2")]
    [InlineData("heal", "2")]
    public async Task A_command_on_a_folder_without_a_cluster_says_so_in_one_line(params string[] command)
    {
        var (exit, output, error) = await RunAsync(command);

        exit.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Be($"error: no cluster in {_folder.Combine("cluster")} (no cluster.json there); start one with `tinykv-cluster up --dir {_folder.Combine("cluster")}`\n");
    }

    [Theory]
    [InlineData("kill")]
    [InlineData("restart")]
    [InlineData("isolate")]
    [InlineData("heal")]
    public async Task Kill_restart_isolate_or_heal_of_an_unknown_store_names_the_processes_there(string command)
    {
        SaveStoppedCluster(stores: 3);

        var (exit, _, error) = await RunAsync(command, "7");

        exit.Should().Be(1);
        error.Should().Be($"error: no store 7 in the cluster of {_folder.Combine("cluster")}; it has scheduler-1, store-1, store-2, store-3\n");
    }

    [Fact]
    public async Task Up_refuses_a_folder_whose_cluster_still_runs()
    {
        var state = SaveStoppedCluster(stores: 1);
        var store = state.Stores[0];
        // A stand-in for the store: a process whose command line holds the store's data directory.
        using var standIn = StartMarked(store.DataDirectory);
        try
        {
            state.With(store with { Pid = standIn.Id }).Save(_folder.Combine("cluster"));

            var (exit, _, error) = await RunAsync("up");

            exit.Should().Be(1);
            error.Should().Be($"error: a cluster is already running in {_folder.Combine("cluster")} (store-1 pid {standIn.Id}); stop it with `tinykv-cluster down --dir {_folder.Combine("cluster")}`\n");
        }
        finally
        {
            standIn.Kill();
            standIn.WaitForExit();
        }
    }

    [Fact]
    public async Task Up_on_a_stopped_cluster_of_another_size_says_how_to_start_it_again()
    {
        SaveStoppedCluster(stores: 3);

        var (exit, _, error) = await RunAsync("up", "--stores", "5");

        exit.Should().Be(1);
        error.Should().StartWith($"error: {_folder.Combine("cluster")} holds a stopped cluster of 3 stores and 1 scheduler(s): `tinykv-cluster up --dir {_folder.Combine("cluster")}` starts it again");
    }

    [Fact]
    public async Task Kill_of_a_store_that_does_not_run_says_how_to_start_it()
    {
        SaveStoppedCluster(stores: 3);

        var (exit, _, error) = await RunAsync("kill", "2");

        exit.Should().Be(1);
        error.Should().Be($"error: store-2 is not running; `tinykv-cluster restart 2 --dir {_folder.Combine("cluster")}` starts it\n");
    }

    [Theory]
    [InlineData("isolate", "isolated")]
    [InlineData("heal", "healed")]
    public async Task Isolate_or_heal_of_a_store_that_does_not_run_says_how_to_start_it(string command, string done)
    {
        SaveStoppedCluster(stores: 3);

        var (exit, output, error) = await RunAsync(command, "2");

        exit.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Be($"error: store-2 is not running, so it cannot be {done}; `tinykv-cluster restart 2 --dir {_folder.Combine("cluster")}` starts it\n");
    }

    [Fact]
    public async Task Isolate_of_the_scheduler_is_refused_it_takes_a_store()
    {
        SaveStoppedCluster(stores: 3);

        var (exit, _, error) = await RunAsync("isolate", "scheduler-1");

        exit.Should().Be(1);
        error.Should().Be("error: isolate takes a store, and scheduler-1 is a scheduler; `tinykv-cluster kill scheduler-1` stops it instead\n");
    }

    [Fact]
    public async Task Up_with_a_bin_folder_that_lacks_the_servers_names_the_publish_command()
    {
        Directory.CreateDirectory(_folder.Combine("empty"));

        var (exit, _, error) = await RunAsync("up", "--bin", _folder.Combine("empty"));

        exit.Should().Be(1);
        error.Should().Be($"error: cannot find tinyscheduler-server in {_folder.Combine("empty")} (--bin): neither tinyscheduler-server nor tinyscheduler-server.dll is there; publish the binaries with `dotnet build build/Binaries.proj`\n");
        File.Exists(_folder.Combine("cluster", ClusterState.FileName)).Should().BeFalse("nothing was started");
    }

    [Fact]
    public async Task Up_with_three_schedulers_refuses_a_scheduler_that_does_not_know_etcd()
    {
        var bin = _folder.Combine("old-bin");
        Directory.CreateDirectory(bin);
        Script(Path.Combine(bin, "tinyscheduler-server"), "echo 'Usage: tinyscheduler-server [options]'; echo '  --addr  Address to listen on'");
        Script(Path.Combine(bin, "tinykv-server"), "exit 0");

        var (exit, _, error) = await RunAsync("up", "--schedulers", "3", "--bin", bin, "--etcd-binary", "/bin/sh");

        exit.Should().Be(1);
        error.Should().Be($"error: this tinyscheduler-server (--bin {bin}) does not know --etcd yet, which a highly available scheduler group (--schedulers 3) needs; use --schedulers 1\n");
    }

    [Fact]
    public async Task Up_with_three_schedulers_without_etcd_says_how_to_install_it()
    {
        var (exit, _, error) = await RunAsync("up", "--schedulers", "3", "--bin", AppContext.BaseDirectory, "--etcd-binary", _folder.Combine("no-etcd"));

        exit.Should().Be(1);
        error.Should().Be($"error: cannot find etcd at {_folder.Combine("no-etcd")}, which --schedulers 3 needs: install it (apt-get install -y etcd-server) or give --etcd-binary\n");
    }

    [Fact]
    public void Locator_prefers_the_launcher_in_a_bin_folder_and_falls_back_to_the_dll_through_dotnet()
    {
        var bin = _folder.Combine("bin");
        Directory.CreateDirectory(bin);
        Script(Path.Combine(bin, "tinykv-server"), "exit 0");
        File.WriteAllText(Path.Combine(bin, "tinyscheduler-server.dll"), "");

        var locator = new ProgramLocator(bin);

        locator.Resolve("tinykv-server").Command("--help").Should().Equal(Path.Combine(bin, "tinykv-server"), "--help");
        var scheduler = locator.Resolve("tinyscheduler-server");
        Path.GetFileNameWithoutExtension(scheduler.FileName).Should().Be("dotnet");
        scheduler.Prefix.Should().Equal(Path.Combine(bin, "tinyscheduler-server.dll"));
    }

    [Fact]
    public void Locator_takes_bin_at_the_repository_root_before_the_build_outputs()
    {
        var root = _folder.Combine("repo");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "project4-txn/src/TinyKv.Server/bin/Debug/net10.0"));
        Directory.CreateDirectory(Path.Combine(root, "project3-multiraft/src/TinyKv.SchedulerServer/bin/Release/net10.0"));
        File.WriteAllText(Path.Combine(root, "TinyKv.slnx"), "<Solution />");
        Script(Path.Combine(root, "bin", "tinykv-server"), "exit 0");
        File.WriteAllText(Path.Combine(root, "project4-txn/src/TinyKv.Server/bin/Debug/net10.0/tinykv-server.dll"), "");
        File.WriteAllText(Path.Combine(root, "project3-multiraft/src/TinyKv.SchedulerServer/bin/Release/net10.0/tinyscheduler-server.dll"), "");
        var locator = new ProgramLocator(null, Path.Combine(root, "project4-txn"));

        locator.Resolve("tinykv-server").FileName.Should().Be(Path.Combine(root, "bin", "tinykv-server"));
        locator.Resolve("tinyscheduler-server").Prefix.Should().Equal(Path.Combine(root, "project3-multiraft/src/TinyKv.SchedulerServer/bin/Release/net10.0/tinyscheduler-server.dll"));
        var missing = () => locator.Resolve("tinykv-bench");
        missing.Should().Throw<ClusterException>().WithMessage("cannot find tinykv-bench (not in */repo/bin nor built): publish the binaries with `dotnet build build/Binaries.proj` at the repository root, or give --bin DIR");
    }

    [Fact]
    public void A_pid_counts_as_alive_only_while_its_command_line_holds_the_marker()
    {
        using var sleeper = StartMarked("marker-" + _folder.Path);
        try
        {
            DetachedProcess.IsAlive(sleeper.Id, "marker-" + _folder.Path).Should().BeTrue();
            DetachedProcess.IsAlive(sleeper.Id, "another process").Should().BeFalse("a reused pid is not the process that was started");
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }

        DetachedProcess.IsAlive(sleeper.Id, "marker-" + _folder.Path).Should().BeFalse();
    }

    /// <summary>A shell that sleeps, with <paramref name="marker"/> on its command line, once it has exec'd (before that, a child shows its parent's command line).</summary>
    private static Process StartMarked(string marker)
    {
        var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 60; :", marker]) { UseShellExecute = false })!;
        var watch = Stopwatch.StartNew();
        while (!DetachedProcess.IsAlive(process.Id, marker) && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }

        return process;
    }

    /// <summary>Free "ports" counting up from <paramref name="first"/>, so plans are predictable.</summary>
    private static Func<int, IReadOnlyList<int>> Ports(int first) => count => [.. Enumerable.Range(first, count)];

    private static void Script(string path, string body)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private ClusterState SaveStoppedCluster(int stores)
    {
        var directory = _folder.Combine("cluster");
        var state = ClusterPlan.Lay(directory, new ClusterRequest(stores, 1), s_scheduler, s_store, null, Ports(9101));
        state.Save(directory);
        return state;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ClusterCli.RunAsync(["--dir", _folder.Combine("cluster"), .. arguments], output, error, plain: true, _folder.Path);
        return (exit, output.ToString(), error.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
